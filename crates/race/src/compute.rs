//! `versus race compute`: each country's share of AI-cluster compute operational at a date,
//! from Epoch AI's GPU Clusters dataset (an extract shipped in `data/compute/`).

use crate::csvio::{self, CsvText};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::registry::short_country_name;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use versus_present::{self as present, Table, Tabular};

/// The shipped extract, embedded so the binary is self-contained.
pub const CLUSTERS_CSV: &str = include_str!("../../../data/compute/gpu_clusters.csv");
pub const CLUSTERS_FILE: &str = "data/compute/gpu_clusters.csv";

/// The columns of Epoch's 57 the computation needs, in Epoch's own spelling.
pub const EXTRACT_COLUMNS: [&str; 10] = [
    "Name",
    "Status",
    "Certainty",
    "Country",
    "Owner",
    "First Operational Date",
    "Decommissioned Date (if applicable)",
    "16-bit OP/s",
    "H100 equivalents",
    "Include in Standard Analysis",
];

pub const ORIGIN: &str = "Epoch AI, GPU Clusters dataset (copy published 2026-04), CC-BY-4.0";
pub const COVERAGE_CAVEAT: &str = "Coverage: Epoch's dataset records the clusters it could find, a minority of the world's AI compute; Chinese entries are rounded and less completely reported, and recent or secret clusters are missing. Shares are shares of the recorded clusters, not of all compute.";
pub const STATUS_RULE: &str = "a cluster counts at date D when its First Operational Date is on or before D and it is Existing (or Decommissioned after D); Planned clusters and clusters with no operational date never count";
pub const STANDARD_RULE: &str = "only rows Epoch marks `Include in Standard Analysis`, its filter for its own published shares (in this copy every such row is an existing single cluster rated Confirmed or Likely and not flagged as a possible duplicate)";

/// What is summed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Measure {
    /// Peak dense 16-bit operations per second.
    #[serde(rename = "16-bit OP/s")]
    Op16,
    /// Epoch's H100-equivalent count (performance-weighted chips).
    #[serde(rename = "H100 equivalents")]
    H100Equivalents,
}

impl Measure {
    pub const ALL: [Measure; 2] = [Measure::Op16, Measure::H100Equivalents];

    /// The code used on the command line (`op16`, `h100e`).
    pub fn code(&self) -> &'static str {
        match self {
            Measure::Op16 => "op16",
            Measure::H100Equivalents => "h100e",
        }
    }

    pub fn from_code(text: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == text.trim())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Measure::Op16 => "16-bit OP/s",
            Measure::H100Equivalents => "H100 equivalents",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Existing,
    Planned,
    Decommissioned,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: String,
    pub status: Status,
    pub country: String,
    pub first_operational: Option<Date>,
    pub decommissioned: Option<Date>,
    pub op16: Option<f64>,
    pub h100_equivalents: Option<f64>,
    pub standard_analysis: bool,
}

impl Cluster {
    fn value(&self, measure: Measure) -> Option<f64> {
        match measure {
            Measure::Op16 => self.op16,
            Measure::H100Equivalents => self.h100_equivalents,
        }
    }

    /// Whether the cluster was running at `date` (see [`STATUS_RULE`]).
    pub fn operational_at(&self, date: Date) -> bool {
        let started = self.first_operational.is_some_and(|d| d <= date);
        started
            && match self.status {
                Status::Existing => true,
                Status::Planned => false,
                Status::Decommissioned => self.decommissioned.is_some_and(|d| d > date),
            }
    }
}

/// Parses the extract (or Epoch's full file: extra columns are ignored).
pub fn parse_clusters(file: &str, text: &str) -> Result<Vec<Cluster>> {
    let table = CsvText::parse(file, text)?;
    let cols: Vec<usize> = EXTRACT_COLUMNS
        .iter()
        .map(|c| table.column(c))
        .collect::<Result<_>>()?;
    let [
        name_c,
        status_c,
        _,
        country_c,
        _,
        first_c,
        decommissioned_c,
        op16_c,
        h100_c,
        standard_c,
    ] = cols[..]
    else {
        return Err(Error::format(file, "unexpected column layout"));
    };
    let mut clusters = Vec::with_capacity(table.records.len());
    for record in &table.records {
        let line = csvio::line_of(record);
        let status = match csvio::text(record, status_c) {
            "Existing" => Status::Existing,
            "Planned" => Status::Planned,
            "Decommissioned" => Status::Decommissioned,
            other => {
                return Err(Error::field(
                    file,
                    line,
                    "Status",
                    format!("`{other}` is not Existing/Planned/Decommissioned"),
                ));
            }
        };
        let date = |column: usize, field: &str| -> Result<Option<Date>> {
            let text = csvio::text(record, column);
            if text.is_empty() {
                return Ok(None);
            }
            // "2021-07" (month only) counts from the first of the month.
            Date::parse_bound(text, false)
                .map(Some)
                .ok_or_else(|| Error::field(file, line, field, format!("`{text}` is not a date")))
        };
        let standard = match csvio::text(record, standard_c) {
            "True" | "TRUE" | "true" => true,
            "" | "False" | "FALSE" | "false" => false,
            other => {
                return Err(Error::field(
                    file,
                    line,
                    "Include in Standard Analysis",
                    format!("`{other}` is not True/empty"),
                ));
            }
        };
        clusters.push(Cluster {
            name: csvio::text(record, name_c).to_string(),
            status,
            country: short_country_name(csvio::text(record, country_c)),
            first_operational: date(first_c, "First Operational Date")?,
            decommissioned: date(decommissioned_c, "Decommissioned Date (if applicable)")?,
            op16: csvio::optional_number(file, record, op16_c, "16-bit OP/s")?,
            h100_equivalents: csvio::optional_number(file, record, h100_c, "H100 equivalents")?,
            standard_analysis: standard,
        });
    }
    Ok(clusters)
}

pub fn shipped_clusters() -> Result<Vec<Cluster>> {
    parse_clusters(CLUSTERS_FILE, CLUSTERS_CSV)
}

/// Builds the shipped extract from Epoch's full file: every row, the [`EXTRACT_COLUMNS`] only.
pub fn build_extract(gpu_clusters_csv: &Path) -> Result<String> {
    let table = CsvText::read(gpu_clusters_csv)?;
    let cols: Vec<usize> = EXTRACT_COLUMNS
        .iter()
        .map(|c| table.column(c))
        .collect::<Result<_>>()?;
    let rows: Vec<Vec<String>> = table
        .records
        .iter()
        .map(|record| {
            cols.iter()
                .map(|&c| csvio::text(record, c).to_string())
                .collect()
        })
        .collect();
    csvio::to_csv_string(CLUSTERS_FILE, &EXTRACT_COLUMNS, &rows)
}

#[derive(Clone, Copy, Debug)]
pub struct ComputeQuery {
    pub measure: Measure,
    /// Apply Epoch's `Include in Standard Analysis` filter.
    pub standard_only: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CountryShare {
    pub country: String,
    /// Percent of the total.
    pub share: f64,
    pub value: f64,
    pub clusters: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Exclusions {
    pub not_in_standard_analysis: usize,
    pub not_yet_operational: usize,
    pub planned: usize,
    pub no_operational_date: usize,
    pub decommissioned: usize,
    pub no_value_for_measure: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComputeProvenance {
    pub data: &'static str,
    pub origin: &'static str,
    pub status_rule: &'static str,
    pub filter: &'static str,
    pub coverage: &'static str,
    pub clusters_counted: usize,
    pub excluded: Exclusions,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComputeShares {
    pub as_of: Date,
    pub measure: Measure,
    pub shares: Vec<CountryShare>,
    pub total: f64,
    pub provenance: ComputeProvenance,
}

/// The most recent operational date among the clusters the query counts: the default as-of, so
/// output does not depend on today's date.
pub fn latest_date(clusters: &[Cluster], query: ComputeQuery) -> Option<Date> {
    clusters
        .iter()
        .filter(|c| !query.standard_only || c.standard_analysis)
        .filter(|c| c.status != Status::Planned)
        .filter_map(|c| c.first_operational)
        .max()
}

pub fn shares_at(clusters: &[Cluster], query: ComputeQuery, as_of: Date) -> ComputeShares {
    let mut excluded = Exclusions::default();
    let mut by_country: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    let mut counted = 0;
    for cluster in clusters {
        if query.standard_only && !cluster.standard_analysis {
            excluded.not_in_standard_analysis += 1;
        } else if cluster.status == Status::Planned {
            excluded.planned += 1;
        } else if cluster.first_operational.is_none() {
            excluded.no_operational_date += 1;
        } else if !cluster.operational_at(as_of) {
            if cluster.first_operational.is_some_and(|d| d > as_of) {
                excluded.not_yet_operational += 1;
            } else {
                excluded.decommissioned += 1;
            }
        } else if let Some(value) = cluster.value(query.measure) {
            let entry = by_country.entry(cluster.country.as_str()).or_default();
            entry.0 += value;
            entry.1 += 1;
            counted += 1;
        } else {
            excluded.no_value_for_measure += 1;
        }
    }
    let total: f64 = by_country.values().map(|(v, _)| v).sum();
    let mut shares: Vec<CountryShare> = by_country
        .into_iter()
        .map(|(country, (value, clusters))| CountryShare {
            country: country.to_string(),
            share: if total > 0.0 {
                present::round(value / total * 100.0, 2)
            } else {
                0.0
            },
            value,
            clusters,
        })
        .collect();
    shares.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.country.cmp(&b.country))
    });
    ComputeShares {
        as_of,
        measure: query.measure,
        shares,
        total,
        provenance: ComputeProvenance {
            data: CLUSTERS_FILE,
            origin: ORIGIN,
            status_rule: STATUS_RULE,
            filter: if query.standard_only {
                STANDARD_RULE
            } else {
                "all rows (--all-clusters): Epoch's standard-analysis filter not applied"
            },
            coverage: COVERAGE_CAVEAT,
            clusters_counted: counted,
            excluded,
        },
    }
}

/// The step of a compute series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Year,
    Month,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Year, Period::Month];

    pub fn name(&self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Month => "month",
        }
    }

    pub fn from_name(text: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.name() == text.trim())
    }
}

/// Dates at the end of each year or month from `from` to `to`, plus `to` itself.
pub fn period_ends(from: Date, to: Date, monthly: bool) -> Vec<Date> {
    let mut dates = Vec::new();
    let mut cursor = from;
    while cursor <= to {
        let end = if monthly {
            cursor.end_of_month()
        } else {
            Date::new(cursor.year(), 12, 31).unwrap_or(cursor)
        };
        if end > to {
            break;
        }
        dates.push(end);
        cursor = if monthly {
            end.next_month_start()
        } else {
            Date::new(end.year() + 1, 1, 1).unwrap_or(to)
        };
        if cursor <= end {
            break;
        }
    }
    if dates.last() != Some(&to) {
        dates.push(to);
    }
    dates
}

#[derive(Clone, Debug, Serialize)]
pub struct SeriesPoint {
    pub as_of: Date,
    pub shares: Vec<CountryShare>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComputeSeries {
    pub measure: Measure,
    pub points: Vec<SeriesPoint>,
    pub provenance: ComputeProvenance,
}

pub fn series(clusters: &[Cluster], query: ComputeQuery, dates: &[Date]) -> Option<ComputeSeries> {
    let mut last = None;
    let mut points = Vec::new();
    for &date in dates {
        let shares = shares_at(clusters, query, date);
        points.push(SeriesPoint {
            as_of: date,
            shares: shares.shares.clone(),
        });
        last = Some(shares);
    }
    last.map(|last| ComputeSeries {
        measure: query.measure,
        points,
        provenance: last.provenance,
    })
}

fn notes(provenance: &ComputeProvenance) -> Vec<String> {
    vec![
        format!("Data: {} ({}).", provenance.data, provenance.origin),
        format!("Counting: {}.", provenance.status_rule),
        format!("Filter: {}.", provenance.filter),
        provenance.coverage.to_string(),
    ]
}

impl Tabular for ComputeShares {
    /// The shares as a table, with the data, counting rule, filter and exclusions as notes.
    fn to_table(&self) -> Table {
        let mut out = Table::new(
            format!(
                "Share of AI-cluster compute ({}) by country, as of {}",
                self.measure.name(),
                self.as_of
            ),
            &["country", "share_percent", "value", "clusters"],
        );
        for share in &self.shares {
            out.rows.push(vec![
                share.country.clone(),
                format!("{:.2}", share.share),
                format!("{:.4e}", share.value),
                share.clusters.to_string(),
            ]);
        }
        out.notes = notes(&self.provenance);
        out.notes.push(format!(
            "Counted {} clusters; excluded: {} not in standard analysis, {} planned, {} without operational date, {} not yet operational, {} decommissioned, {} without a value.",
            self.provenance.clusters_counted,
            self.provenance.excluded.not_in_standard_analysis,
            self.provenance.excluded.planned,
            self.provenance.excluded.no_operational_date,
            self.provenance.excluded.not_yet_operational,
            self.provenance.excluded.decommissioned,
            self.provenance.excluded.no_value_for_measure,
        ));
        out
    }
}

impl Tabular for ComputeSeries {
    /// One row per date and country, with the data, counting rule and filter as notes.
    fn to_table(&self) -> Table {
        let mut out = Table::new(
            format!(
                "Share of AI-cluster compute ({}) by country over time",
                self.measure.name()
            ),
            &["as_of", "country", "share_percent", "clusters"],
        );
        for point in &self.points {
            for share in &point.shares {
                out.rows.push(vec![
                    point.as_of.to_string(),
                    share.country.clone(),
                    format!("{:.2}", share.share),
                    share.clusters.to_string(),
                ]);
            }
        }
        out.notes = notes(&self.provenance);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ends_cover_the_range() {
        let from = Date::parse("2023-06-15").unwrap();
        let to = Date::parse("2025-03-01").unwrap();
        let ends: Vec<String> = period_ends(from, to, false)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(ends, ["2023-12-31", "2024-12-31", "2025-03-01"]);
        assert_eq!(
            period_ends(from, Date::parse("2023-08-31").unwrap(), true).len(),
            3
        );
    }
}
