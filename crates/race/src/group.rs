//! Sides of a comparison: models grouped by country, by licence (open weights or not) or by
//! organisation, and the user's spelling of a side resolved to the registry's.

use crate::error::{Error, Result};
use crate::registry::{ModelRecord, OpenWeights, Registry};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Country,
    Licence,
    Organisation,
}

pub const OPEN_GROUP: &str = "open";
pub const PROPRIETARY_GROUP: &str = "proprietary";
pub const UNKNOWN_GROUP: &str = "unknown";

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Country, GroupBy::Licence, GroupBy::Organisation];

    /// Parses a grouping as the command line spells it (`country`, `licence`/`license`,
    /// `organisation`/`organization`/`org`), ignoring case.
    pub fn from_name(text: &str) -> Option<GroupBy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "country" => Some(GroupBy::Country),
            "licence" | "license" => Some(GroupBy::Licence),
            "organisation" | "organization" | "org" => Some(GroupBy::Organisation),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            GroupBy::Country => "country",
            GroupBy::Licence => "licence",
            GroupBy::Organisation => "organisation",
        }
    }

    /// The group a model belongs to under this grouping.
    pub fn group_of(&self, model: &ModelRecord) -> String {
        match self {
            GroupBy::Country => model.country.clone(),
            GroupBy::Licence => match model.open_weights {
                OpenWeights::Yes => OPEN_GROUP.to_string(),
                OpenWeights::No => PROPRIETARY_GROUP.to_string(),
                OpenWeights::Unknown => UNKNOWN_GROUP.to_string(),
            },
            GroupBy::Organisation => model.organization.clone(),
        }
    }

    /// The sides compared when the user names none: the claims being checked are "US vs China"
    /// and "open weights have caught up with proprietary"; organisations have no natural pair.
    pub fn default_sides(&self) -> Option<(&'static str, &'static str)> {
        match self {
            GroupBy::Country => Some(("United States", "China")),
            GroupBy::Licence => Some((PROPRIETARY_GROUP, OPEN_GROUP)),
            GroupBy::Organisation => None,
        }
    }

    /// Resolves a user-typed side ("US", "usa", "china", "open-weights", "openai") to the exact
    /// group name used in the registry; unknown names fail with the list of known ones.
    pub fn resolve(&self, query: &str, registry: &Registry) -> Result<String> {
        let wanted = query.trim().to_lowercase();
        let aliased = match self {
            GroupBy::Country => match wanted.as_str() {
                "us" | "usa" | "u.s." | "united states of america" | "america" => {
                    "united states".to_string()
                }
                "prc" | "cn" | "people's republic of china" => "china".to_string(),
                "uk" | "gb" | "great britain" => "united kingdom".to_string(),
                "korea" | "republic of korea" => "south korea".to_string(),
                "uae" => "united arab emirates".to_string(),
                _ => wanted,
            },
            GroupBy::Licence => match wanted.as_str() {
                "open-weights" | "open weights" | "open-weight" | "open_weights" => {
                    OPEN_GROUP.to_string()
                }
                "closed" | "proprietary-weights" => PROPRIETARY_GROUP.to_string(),
                _ => wanted,
            },
            GroupBy::Organisation => wanted,
        };
        let known: BTreeSet<String> = registry.models().iter().map(|m| self.group_of(m)).collect();
        known
            .iter()
            .find(|group| group.to_lowercase() == aliased)
            .cloned()
            .ok_or_else(|| {
                let list: Vec<&str> = known.iter().map(String::as_str).collect();
                Error::Query(format!(
                    "unknown {} `{query}`; known: {}",
                    self.name(),
                    list.join(", ")
                ))
            })
    }
}
