//! A region's coverage on a day (issue 12 §2, domain.md §6): the imported figures that stood
//! (`db::figures`), assessed by the domain's one rule (`lingkaran_domain::share::assess`),
//! with Lingkaran's own sponsored workers and the points they add.
//!
//! A region without its own participants and denominator sums its direct children's, of
//! one definition at a time, never averaging percentages.

use super::Error;
use crate::db::figures::{self, FigureRow};
use crate::db::totals;
use crate::db::{regions, Db};
use chrono::NaiveDate;
use lingkaran_domain::rates::Month;
use lingkaran_domain::share::{self, Assessment, Dated, Percent, Share, Standing};
use lingkaran_formats::figures::Measure;

/// Who paid for the sponsored workers of a month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sponsored {
    /// (funding source code, workers): `apbd`, `apbn`, `dana-desa`, `csr`, `zakat`,
    /// `individual`.
    pub by_source: Vec<(String, u64)>,
    /// Donors' workers, all sources.
    pub total: u64,
    /// Graduates paying alone that month.
    pub self_paying: u64,
}

/// The answer for one region and day.
#[derive(Debug, Clone)]
pub struct RegionCoverage {
    pub region: String,
    pub day: NaiveDate,
    pub assessment: Assessment,
    /// The figures used, with their dates and sources (the region's own, or its children's).
    pub figures: Vec<FigureRow>,
    /// How many children's figures were summed; 0 when the region has its own.
    pub summed_children: usize,
    pub sponsored: Sponsored,
    /// The points of coverage Lingkaran's sponsored and self-paying workers make, in
    /// ten-thousandths of a point (`None` without a denominator).
    pub points_added: Option<u64>,
}

fn standing_of(rows: &[FigureRow]) -> Standing {
    let dated = |r: &FigureRow| Dated {
        value: r.value.max(0) as u64,
        on: r.on_date,
        source: r.source.clone(),
    };
    let percent = |r: &FigureRow| Dated {
        value: u32::try_from(r.value)
            .ok()
            .and_then(Percent::from_ten_thousandths)
            .unwrap_or(Percent::ZERO),
        on: r.on_date,
        source: r.source.clone(),
    };
    let mut s = Standing::default();
    for r in rows {
        match Measure::parse(&r.measure) {
            // Participants of all segments; a segment's count is kept but not summed here.
            Some(Measure::Participants) if r.definition.is_empty() => {
                s.participants = Some(dated(r));
            }
            Some(Measure::Participants) => {}
            Some(Measure::Denominator) => s.denominators.push((r.definition.clone(), dated(r))),
            Some(Measure::TargetPercent) => {
                s.target_percent.push((r.definition.clone(), percent(r)))
            }
            Some(Measure::TargetPeople) => s.target_people = Some(dated(r)),
            Some(Measure::PublishedPercent) => s.published.push((r.definition.clone(), percent(r))),
            None => {}
        }
    }
    s
}

/// The children's figures summed, one definition: each child that has both participants and
/// a denominator of it counts, and the definition most children have is taken.
fn summed(children: &[(String, Standing)]) -> (Standing, usize) {
    let mut best: Option<(String, Vec<(Share, NaiveDate)>)> = None;
    let mut definitions: Vec<&str> = children
        .iter()
        .flat_map(|(_, s)| s.denominators.iter().map(|(d, _)| d.as_str()))
        .collect();
    definitions.sort_unstable();
    definitions.dedup();
    for def in definitions {
        let parts: Vec<(Share, NaiveDate)> = children
            .iter()
            .filter_map(|(_, s)| {
                let p = s.participants.as_ref()?;
                let (_, d) = s.denominators.iter().find(|(x, _)| x == def)?;
                Some((Share::new(p.value, d.value)?, p.on.min(d.on)))
            })
            .collect();
        if best.as_ref().is_none_or(|(_, b)| parts.len() > b.len()) {
            best = Some((def.to_string(), parts));
        }
    }
    let Some((def, parts)) = best.filter(|(_, p)| !p.is_empty()) else {
        return (Standing::default(), 0);
    };
    let n = parts.len();
    let on = parts.iter().map(|(_, on)| *on).min();
    let total = share::aggregate(parts.iter().map(|(s, _)| (def.as_str(), *s)))
        .and_then(|m| m.get(def.as_str()).copied());
    let (Some(total), Some(on)) = (total, on) else {
        return (Standing::default(), 0);
    };
    let source = format!("jumlah {n} wilayah di bawahnya");
    (
        Standing {
            participants: Some(Dated {
                value: total.num,
                on,
                source: source.clone(),
            }),
            denominators: vec![(
                def,
                Dated {
                    value: total.den,
                    on,
                    source,
                },
            )],
            ..Standing::default()
        },
        n,
    )
}

/// Every figure a region's coverage can use: its own and its direct children's (provinces
/// for the nation), read once and asked for any day by [`FigureSet::on`].
#[derive(Debug, Clone, Default)]
pub struct FigureSet {
    pub region: String,
    pub children: Vec<String>,
    pub rows: Vec<FigureRow>,
}

impl FigureSet {
    pub async fn load(db: &Db, region: &str) -> Result<FigureSet, Error> {
        if region != figures::NATION && regions::get(db, region).await?.is_none() {
            return Err(Error::NotFound("wilayah"));
        }
        let children: Vec<String> = regions::below(db, region)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect();
        let mut codes = children.clone();
        codes.push(region.to_string());
        let rows = figures::of_regions(db, &codes).await?;
        Ok(FigureSet {
            region: region.to_string(),
            children,
            rows,
        })
    }

    /// The figures of one child, alone (its own, without summing its children).
    pub fn of_child(&self, code: &str) -> FigureSet {
        FigureSet {
            region: code.to_string(),
            children: Vec::new(),
            rows: self
                .rows
                .iter()
                .filter(|f| f.region_code == code)
                .cloned()
                .collect(),
        }
    }

    /// The region's standing on `day`, from its own figures, or with its children's summed
    /// (one definition) when it has no participants and denominator of its own. Returns the
    /// assessment, the figures used and how many children were summed.
    pub fn on(&self, day: NaiveDate) -> (Assessment, Vec<FigureRow>, usize) {
        let own = figures::standing_at(&self.rows, &self.region, day);
        let mut standing = standing_of(&own);
        let mut used = own;
        let mut summed_children = 0;
        if standing.participants.is_none() || standing.denominators.is_empty() {
            let per_child: Vec<(String, Standing, Vec<FigureRow>)> = self
                .children
                .iter()
                .map(|c| {
                    let mine = figures::standing_at(&self.rows, c, day);
                    (c.clone(), standing_of(&mine), mine)
                })
                .filter(|(_, _, mine)| !mine.is_empty())
                .collect();
            let pairs: Vec<(String, Standing)> = per_child
                .iter()
                .map(|(c, s, _)| (c.clone(), s.clone()))
                .collect();
            let (sum, n) = summed(&pairs);
            if n > 0 {
                // The region's own targets and published percentages still apply to the sum.
                standing.participants = sum.participants;
                standing.denominators = sum.denominators;
                summed_children = n;
                used.extend(per_child.into_iter().flat_map(|(_, _, rows)| rows));
            }
        }
        (share::assess(&standing, day), used, summed_children)
    }
}

/// Whether `who` may read (or import figures for) `region`: a region inside their scope, and
/// the nation only for whoever covers everything (an admin).
pub fn in_reach(who: &crate::auth::Principal, region: &str) -> bool {
    if region == figures::NATION {
        who.role == crate::auth::Role::Admin
    } else {
        who.covers(region)
    }
}

/// [`of`] for a signed-in reader (admin, officer, viewer) inside the region.
pub async fn read(
    ctx: super::Ctx<'_>,
    region: &str,
    day: NaiveDate,
) -> Result<RegionCoverage, Error> {
    ctx.require(&crate::auth::role::READERS)?;
    if !in_reach(ctx.actor, region) {
        return Err(Error::Forbidden);
    }
    of(ctx.db, region, day).await
}

/// The coverage of `region` (a Kemendagri code, or `0` for the nation) on `day`.
pub async fn of(db: &Db, region: &str, day: NaiveDate) -> Result<RegionCoverage, Error> {
    let set = FigureSet::load(db, region).await?;
    of_set(db, &set, day).await
}

/// As [`of`], with the figures already read.
pub async fn of_set(db: &Db, set: &FigureSet, day: NaiveDate) -> Result<RegionCoverage, Error> {
    let region = set.region.as_str();
    let (assessment, used, summed_children) = set.on(day);
    let month = Month::of(day).yyyymm();
    let mut sponsored = Sponsored::default();
    for (source, n) in totals::by_source(db, region, month).await? {
        let n = n.max(0) as u64;
        if source == "self" {
            sponsored.self_paying = n;
        } else {
            sponsored.total += n;
            sponsored.by_source.push((source, n));
        }
    }
    let points_added = assessment
        .denominator
        .and_then(|d| Share::new(sponsored.total + sponsored.self_paying, d))
        .map(|s| s.ten_thousandths());
    Ok(RegionCoverage {
        region: region.to_string(),
        day,
        assessment,
        figures: used,
        summed_children,
        sponsored,
        points_added,
    })
}
