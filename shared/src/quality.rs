//! Quality: scorecards (criteria for evaluating recorded calls, each with
//! a weight and the most points it gives) and evaluations (a supervisor's
//! points per criterion for one call, with a comment).
//!
//! **The score.** Each criterion gives `points ÷ max_points` of its
//! weight; the evaluation's score is the weighted sum ÷ the sum of the
//! weights, in %: criteria (weight 2, max 5) and (weight 1, max 10) scored
//! 4 and 5 give (2·4/5 + 1·5/10) ÷ 3 = 70 %. Administrators manage
//! scorecards; supervisors evaluate; agents see their own evaluations.

use serde::{Deserialize, Serialize};

/// Most criteria on one scorecard.
pub const MAX_CRITERIA: usize = 30;
/// Longest scorecard name and criterion label, in characters.
pub const MAX_NAME: usize = 100;
/// Longest evaluation comment, in characters.
pub const MAX_COMMENT: usize = 4000;
/// Largest weight and largest `max_points` of a criterion.
pub const MAX_WEIGHT: u32 = 100;
pub const MAX_POINTS: u32 = 100;

/// One thing a call is judged on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// What is judged, e.g. "Greets the caller by name" (1 to 100 characters).
    pub label: String,
    /// 1 to 100: how much it counts against the others.
    pub weight: u32,
    /// 1 to 100: the most points it gives.
    pub max_points: u32,
}

/// `POST /api/v1/scorecards`, `PUT /api/v1/scorecards/{id}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardInput {
    /// 1 to 100 characters, unique.
    pub name: String,
    /// A queue's code it is meant for; absent: any queue.
    #[serde(default)]
    pub queue: Option<String>,
    /// 1 to 30 criteria.
    pub criteria: Vec<Criterion>,
    /// False: kept for its evaluations, not offered for new ones. True
    /// when absent.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    pub id: i64,
    pub name: String,
    pub queue: Option<String>,
    pub criteria: Vec<Criterion>,
    pub active: bool,
    /// How many evaluations used it.
    pub evaluations: i64,
    pub updated_at: String,
}

/// `POST /api/v1/evaluations`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// The gateway's id of a recorded call.
    pub call_id: String,
    pub scorecard_id: i64,
    /// Points per criterion, in the scorecard's order: 0 to its
    /// `max_points`.
    pub scores: Vec<u32>,
    /// At most 4000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One criterion of an evaluation: the criterion as it was, and the points.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub label: String,
    pub weight: u32,
    pub max_points: u32,
    pub points: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: i64,
    pub call_id: String,
    pub scorecard_id: i64,
    pub scorecard_name: String,
    /// The call's agent when it was evaluated.
    pub agent_id: Option<i64>,
    /// The call's queue's code.
    pub queue: Option<String>,
    pub evaluator_id: Option<i64>,
    pub criteria: Vec<CriterionScore>,
    /// The weighted score in % (see the module's rule), to 2 decimals.
    pub score_pct: f64,
    pub comment: Option<String>,
    /// RFC 3339: when the call started.
    pub call_started_at: String,
    pub created_at: String,
}

/// `GET /api/v1/evaluations`, `GET /api/v1/me/evaluations`: newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationList {
    pub items: Vec<Evaluation>,
}

/// What is wrong with an input: the field (`criteria[2].weight`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: &'static str,
}

fn invalid(field: impl Into<String>, message: &'static str) -> Invalid {
    Invalid { field: field.into(), message }
}

/// A name or label: 1 to `max` characters after trimming, no control
/// characters.
fn check_label(s: &str, field: impl Into<String>) -> Result<(), Invalid> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_NAME || t.chars().any(char::is_control) {
        return Err(invalid(field, "1 to 100 characters, no control characters"));
    }
    Ok(())
}

impl ScorecardInput {
    /// Checks every field; the error names the first wrong one.
    pub fn validate(&self) -> Result<(), Invalid> {
        check_label(&self.name, "name")?;
        if self.criteria.is_empty() || self.criteria.len() > MAX_CRITERIA {
            return Err(invalid("criteria", "1 to 30 criteria"));
        }
        for (i, c) in self.criteria.iter().enumerate() {
            check_label(&c.label, format!("criteria[{i}].label"))?;
            if !(1..=MAX_WEIGHT).contains(&c.weight) {
                return Err(invalid(format!("criteria[{i}].weight"), "1 to 100"));
            }
            if !(1..=MAX_POINTS).contains(&c.max_points) {
                return Err(invalid(format!("criteria[{i}].max_points"), "1 to 100"));
            }
        }
        Ok(())
    }
}

/// The evaluation of `criteria` with `scores`, as criterion scores and the
/// score in basis points (10000 = 100 %); the error names the wrong field.
pub fn score(criteria: &[Criterion], scores: &[u32]) -> Result<(Vec<CriterionScore>, u32), Invalid> {
    if scores.len() != criteria.len() {
        return Err(invalid("scores", "one score per criterion of the scorecard, in its order"));
    }
    let mut out = Vec::with_capacity(criteria.len());
    let (mut num, mut den) = (0u64, 0u64);
    for (i, (c, &p)) in criteria.iter().zip(scores).enumerate() {
        if p > c.max_points {
            return Err(invalid(format!("scores[{i}]"), "0 to the criterion's max_points"));
        }
        // Σ w·p/max ÷ Σ w in integers: each term in basis points.
        num += u64::from(c.weight) * u64::from(p) * 10_000 / u64::from(c.max_points.max(1));
        den += u64::from(c.weight);
        out.push(CriterionScore { label: c.label.clone(), weight: c.weight, max_points: c.max_points, points: p });
    }
    let bp = (num + den / 2).checked_div(den).unwrap_or(0) as u32;
    Ok((out, bp.min(10_000)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(weight: u32, max_points: u32) -> Criterion {
        Criterion { label: "x".into(), weight, max_points }
    }

    #[test]
    fn the_score_is_weighted() {
        let (_, bp) = score(&[c(2, 5), c(1, 10)], &[4, 5]).unwrap();
        assert_eq!(bp, 7000);
        assert_eq!(score(&[c(1, 3)], &[3]).unwrap().1, 10_000);
        assert_eq!(score(&[c(1, 3)], &[0]).unwrap().1, 0);
        assert_eq!(score(&[c(1, 3)], &[1]).unwrap().1, 3333);
        assert_eq!(score(&[c(1, 3)], &[4]).unwrap_err().field, "scores[0]");
        assert_eq!(score(&[c(1, 3)], &[1, 1]).unwrap_err().field, "scores");
    }

    #[test]
    fn inputs_name_the_wrong_field() {
        let ok = ScorecardInput { name: "Calls".into(), queue: None, criteria: vec![c(1, 5)], active: true };
        assert!(ok.validate().is_ok());
        let bad = ScorecardInput { name: " ".into(), ..ok.clone() };
        assert_eq!(bad.validate().unwrap_err().field, "name");
        let bad = ScorecardInput { criteria: vec![c(1, 5), c(0, 5)], ..ok.clone() };
        assert_eq!(bad.validate().unwrap_err().field, "criteria[1].weight");
        let bad = ScorecardInput { criteria: vec![c(1, 101)], ..ok.clone() };
        assert_eq!(bad.validate().unwrap_err().field, "criteria[0].max_points");
        let bad = ScorecardInput { criteria: vec![], ..ok };
        assert_eq!(bad.validate().unwrap_err().field, "criteria");
        let input: ScorecardInput =
            serde_json::from_str(r#"{"name":"n","criteria":[{"label":"a","weight":1,"max_points":2}]}"#).unwrap();
        assert!(input.active, "active when absent");
    }
}
