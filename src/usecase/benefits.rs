//! The benefit estimate (issue 13 §1): what the law gives after an accident or a death, by the
//! rules in force on the event date. The one entry for the CLI (`claims estimate`), and for
//! the API and the claim's page as they come. The rules are `lingkaran_domain::benefits`'
//! shipped table (`benefits.csv`, each value with its source; docs/claims.md).

use lingkaran_domain::benefits::{self, Case, Estimate, Rules};
use lingkaran_domain::Problem;
use std::sync::OnceLock;

/// The rule table, read once.
pub fn rules() -> Result<&'static Rules, Problem> {
    static RULES: OnceLock<Result<Rules, Problem>> = OnceLock::new();
    RULES
        .get_or_init(Rules::shipped)
        .as_ref()
        .map_err(Clone::clone)
}

/// What the law gives for `case`; every problem with its inputs at once.
pub fn estimate(case: &Case) -> Result<Estimate, Vec<Problem>> {
    let rules = rules().map_err(|p| vec![p])?;
    benefits::estimate(rules, case)
}
