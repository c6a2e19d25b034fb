//! The order book as a scenario writes it (`market.book`), and its reader.
//!
//! The book is an object tagged by `"profile"`. serde's derived reader for such an enum buffers
//! the whole object, unknown fields included, before it looks at the tag: a 32 MiB import with a
//! stray array beside `depth_1pct_usd` cost ~0.4 GB before it was rejected (issue 12). This reader
//! streams instead: each known field straight into its type, an unknown field rejected as soon as
//! the profile is known (and skipped without being kept until then). Its messages are serde's own
//! (`unknown field`, `missing field`, `duplicate field`, `unknown variant`).

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// The order book's depth profile. Percent bands are percent of the start price.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "profile", rename_all = "snake_case", deny_unknown_fields)]
pub enum Book {
    /// Constant depth per 1% band: selling q coins moves the price q / (depth_1pct_usd / price) %.
    Linear { depth_1pct_usd: f64 },
    /// Cumulative depth within x% = depth_1pct_usd * x^exponent; exponent 2 is square-root impact.
    Power { depth_1pct_usd: f64, exponent: f64 },
    /// An explicit ladder: notional resting at each price, bids below the start price, asks above.
    Levels { levels: Vec<BookLevel> },
}

/// One rung of an explicit book.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookLevel {
    pub price: f64,
    pub notional_usd: f64,
}

/// The value of `"profile"`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Profile {
    Linear,
    Power,
    Levels,
}

impl Profile {
    /// The fields this profile takes besides `profile`.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Profile::Linear => &["depth_1pct_usd"],
            Profile::Power => &["depth_1pct_usd", "exponent"],
            Profile::Levels => &["levels"],
        }
    }
}

impl<'de> Deserialize<'de> for Book {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BookVisitor)
    }
}

struct BookVisitor;

/// What has been read of a book so far, in whatever order its fields came.
#[derive(Default)]
struct Fields {
    profile: Option<Profile>,
    depth_1pct_usd: Option<f64>,
    exponent: Option<f64>,
    levels: Option<Vec<BookLevel>>,
    /// The first field no profile knows, seen before the profile (its value was skipped).
    unknown: Option<String>,
}

impl Fields {
    /// A field read before the profile was known that `profile` does not take, if any.
    fn present_outside(&self, profile: Profile) -> Option<&'static str> {
        [
            ("depth_1pct_usd", self.depth_1pct_usd.is_some()),
            ("exponent", self.exponent.is_some()),
            ("levels", self.levels.is_some()),
        ]
        .into_iter()
        .find(|(name, present)| *present && !profile.fields().contains(name))
        .map(|(name, _)| name)
    }
}

fn duplicate<E: de::Error, T>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
    if slot.is_some() {
        Err(E::duplicate_field(name))
    } else {
        Ok(())
    }
}

impl<'de> Visitor<'de> for BookVisitor {
    type Value = Book;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("internally tagged enum Book")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Book, A::Error> {
        let missing = |name: &'static str| -> A::Error { de::Error::missing_field(name) };
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            // Once the profile is known, a field it does not take ends the read here.
            if let Some(profile) = fields.profile {
                if key != "profile" && !profile.fields().contains(&key.as_str()) {
                    return Err(de::Error::unknown_field(&key, profile.fields()));
                }
            }
            match key.as_str() {
                "profile" => {
                    duplicate::<A::Error, _>(&fields.profile, "profile")?;
                    let profile: Profile = map.next_value()?;
                    if let Some(unknown) = fields.unknown.take() {
                        return Err(de::Error::unknown_field(&unknown, profile.fields()));
                    }
                    if let Some(name) = fields.present_outside(profile) {
                        return Err(de::Error::unknown_field(name, profile.fields()));
                    }
                    fields.profile = Some(profile);
                }
                "depth_1pct_usd" => {
                    duplicate::<A::Error, _>(&fields.depth_1pct_usd, "depth_1pct_usd")?;
                    fields.depth_1pct_usd = Some(map.next_value()?);
                }
                "exponent" => {
                    duplicate::<A::Error, _>(&fields.exponent, "exponent")?;
                    fields.exponent = Some(map.next_value()?);
                }
                "levels" => {
                    duplicate::<A::Error, _>(&fields.levels, "levels")?;
                    fields.levels = Some(map.next_value()?);
                }
                _ => {
                    // Before the profile, the message needs its field list: remember the name,
                    // skip the value without keeping it.
                    map.next_value::<IgnoredAny>()?;
                    if fields.unknown.is_none() {
                        fields.unknown = Some(key);
                    }
                }
            }
        }
        let profile = fields.profile.ok_or_else(|| missing("profile"))?;
        Ok(match profile {
            Profile::Linear => Book::Linear {
                depth_1pct_usd: fields
                    .depth_1pct_usd
                    .ok_or_else(|| missing("depth_1pct_usd"))?,
            },
            Profile::Power => Book::Power {
                depth_1pct_usd: fields
                    .depth_1pct_usd
                    .ok_or_else(|| missing("depth_1pct_usd"))?,
                exponent: fields.exponent.ok_or_else(|| missing("exponent"))?,
            },
            Profile::Levels => Book::Levels {
                levels: fields.levels.ok_or_else(|| missing("levels"))?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Book, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn every_profile_reads_in_any_field_order() {
        assert_eq!(
            read(r#"{"depth_1pct_usd": 5, "profile": "linear"}"#),
            Ok(Book::Linear {
                depth_1pct_usd: 5.0
            })
        );
        assert_eq!(
            read(r#"{"profile": "power", "exponent": 2, "depth_1pct_usd": 1e6}"#),
            Ok(Book::Power {
                depth_1pct_usd: 1e6,
                exponent: 2.0
            })
        );
        let levels =
            read(r#"{"levels": [{"price": 99, "notional_usd": 10}], "profile": "levels"}"#);
        assert!(matches!(levels, Ok(Book::Levels { levels }) if levels.len() == 1));
    }

    #[test]
    fn mistakes_get_serde_s_own_messages() {
        let cases = [
            (
                r#"{"profile": "linear", "depth_1pct_usd": 1, "x": [0, 0]}"#,
                "unknown field `x`, expected `depth_1pct_usd`",
            ),
            (
                r#"{"x": 1, "profile": "power", "depth_1pct_usd": 1, "exponent": 2}"#,
                "unknown field `x`, expected `depth_1pct_usd` or `exponent`",
            ),
            (
                r#"{"exponent": 2, "profile": "linear", "depth_1pct_usd": 1}"#,
                "unknown field `exponent`, expected `depth_1pct_usd`",
            ),
            (
                r#"{"profile": "cubic", "depth_1pct_usd": 1}"#,
                "unknown variant `cubic`, expected one of `linear`, `power`, `levels`",
            ),
            (r#"{"depth_1pct_usd": 1}"#, "missing field `profile`"),
            (
                r#"{"profile": "power", "depth_1pct_usd": 1}"#,
                "missing field `exponent`",
            ),
            (
                r#"{"profile": "linear", "depth_1pct_usd": 1, "depth_1pct_usd": 2}"#,
                "duplicate field `depth_1pct_usd`",
            ),
            (
                r#"{"profile": "linear", "depth_1pct_usd": "deep"}"#,
                "invalid type: string \"deep\", expected f64",
            ),
        ];
        for (json, message) in cases {
            let error = read(json).expect_err(json);
            assert!(error.starts_with(message), "{json}: {error}");
        }
    }

    #[test]
    fn the_schema_still_describes_a_tagged_object() {
        let schema = serde_json::to_string(&schemars::schema_for!(Book)).unwrap();
        assert!(schema.contains("profile") && schema.contains("depth_1pct_usd"));
        let json = serde_json::to_string(&Book::Linear {
            depth_1pct_usd: 1.0,
        })
        .unwrap();
        assert_eq!(json, r#"{"profile":"linear","depth_1pct_usd":1.0}"#);
    }
}
