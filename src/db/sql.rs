//! A query assembled at run time (search filters) with `$n` placeholders that both stores
//! accept, and its arguments, bound in order by [`bind_all!`](crate::bind_all).

#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
    Time(chrono::DateTime<chrono::Utc>),
    /// Bytes: a NIK's blind index.
    Bytes(Vec<u8>),
}

#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg`.
    pub fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    pub fn text_arg(&mut self, s: impl Into<String>) -> &mut Self {
        self.arg(Arg::Text(s.into()))
    }

    pub fn int_arg(&mut self, i: i64) -> &mut Self {
        self.arg(Arg::Int(i))
    }

    pub fn bytes_arg(&mut self, b: Vec<u8>) -> &mut Self {
        self.arg(Arg::Bytes(b))
    }

    /// `AND column IN (…)`, one placeholder per id (callers cap the list: a page of rows);
    /// nothing matches an empty list.
    pub fn in_ints(&mut self, column: &str, ids: &[i64]) -> &mut Self {
        if ids.is_empty() {
            return self.push(" AND 1 = 0");
        }
        self.push(&format!(" AND {column} IN ("));
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.int_arg(*id);
        }
        self.push(")")
    }

    /// `AND (village_code in any of these regions)`, as index-friendly ranges: every code
    /// under `35.25` sorts between `35.25.` and `35.25/` ('/' follows '.').
    pub fn in_regions(&mut self, column: &str, regions: &[String]) -> &mut Self {
        self.push(" AND (");
        if regions.is_empty() {
            self.push("1 = 0");
        }
        for (i, r) in regions.iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push(&format!("{column} = ")).text_arg(r.as_str());
            self.push(&format!(" OR ({column} >= "))
                .text_arg(format!("{r}."));
            self.push(&format!(" AND {column} < "))
                .text_arg(format!("{r}/"))
                .push(")");
        }
        self.push(")")
    }
}

/// Binds every argument of a [`Sql`] to a sqlx query, in order.
#[macro_export]
macro_rules! bind_all {
    ($q:expr, $sql:expr) => {{
        let mut q = $q;
        for a in &$sql.args {
            q = match a {
                $crate::db::sql::Arg::Text(s) => q.bind(s.clone()),
                $crate::db::sql::Arg::Int(i) => q.bind(*i),
                $crate::db::sql::Arg::Time(t) => q.bind(*t),
                $crate::db::sql::Arg::Bytes(b) => q.bind(b.clone()),
            };
        }
        q
    }};
}
