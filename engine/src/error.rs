//! Typed errors. Validation reports every problem with the path of the field it concerns.

use std::fmt;

use serde::Serialize;

/// One thing wrong with a scenario, e.g. `positions.list[3].leverage: must be in (1, 1000]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Dotted field path; empty for the document as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A scenario that cannot be run, with every reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ScenarioError {
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    pub(crate) fn single(path: &str, message: String) -> Self {
        ScenarioError {
            problems: vec![Problem {
                path: path.to_string(),
                message,
            }],
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().map(Problem::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}
