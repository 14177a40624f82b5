//! Who may do what. Roles are fixed; scopes are region codes.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Runs the installation: users, settings. Sees everything.
    Admin,
    /// BPJS Ketenagakerjaan officer: verifies workers in their regions.
    Officer,
    /// A village office or association: submits workers in its organisation's region.
    Proposer,
    /// Funds workers (the donations capability); sees no registry data.
    Donor,
    /// A regional government: reads its regions, changes nothing.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Officer,
        Role::Proposer,
        Role::Donor,
        Role::Viewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Proposer => "proposer",
            Role::Donor => "donor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// Who may do what, named once: every edge checks a caller against one of these lists.
///
/// BPJS staff: decide workers, book money, run the cycle.
pub const STAFF: [Role; 2] = [Role::Admin, Role::Officer];
/// Those who give: a donor account for itself, staff on a donor's behalf.
pub const GIVERS: [Role; 3] = [Role::Donor, Role::Admin, Role::Officer];
/// Those who read within their scope and change nothing there: staff and a regional government.
pub const READERS: [Role; 3] = [Role::Admin, Role::Officer, Role::Viewer];
/// Those who read the registry within their scope (a proposer reads its own organisation's).
pub const REGISTRY_READERS: [Role; 4] = [Role::Admin, Role::Officer, Role::Viewer, Role::Proposer];

/// Those who file and follow claims: staff, and a proposer for its own organisation's workers
/// (only staff record BPJS's stages).
pub const CLAIM_FILERS: [Role; 3] = [Role::Admin, Role::Officer, Role::Proposer];

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    /// Region codes the caller acts in. Admins have none and need none.
    pub scopes: Vec<String>,
    /// Set for cookie sessions: the token every state-changing request must echo.
    pub csrf_token: Option<String>,
}

impl Principal {
    /// Whether `region_code` lies inside one of the caller's scopes.
    pub fn covers(&self, region_code: &str) -> bool {
        self.role == Role::Admin
            || self.scopes.iter().any(|s| {
                region_code == s
                    || (region_code.starts_with(s.as_str())
                        && region_code.as_bytes().get(s.len()) == Some(&b'.'))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(scope: &str) -> Principal {
        Principal {
            user_id: 1,
            username: "o".into(),
            full_name: "O".into(),
            role: Role::Officer,
            organisation_id: None,
            scopes: vec![scope.into()],
            csrf_token: None,
        }
    }

    #[test]
    fn scope_is_a_region_prefix_on_dot_boundaries() {
        let o = officer("35.25");
        assert!(o.covers("35.25"));
        assert!(o.covers("35.25.01.2001"));
        assert!(!o.covers("35.2"));
        assert!(!o.covers("35.26.01"));
        assert!(!officer("35.2").covers("35.25.01"));
    }
}
