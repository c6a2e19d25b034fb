//! The command line as data: `flushlab`'s arguments parsed into a [`Command`], with no I/O, so
//! any arguments can be fuzzed (engine/fuzz/fuzz_targets/cli_args.rs). Reading files and stdin
//! (with a size limit) and printing is `src/bin/flushlab.rs`.

use crate::analysis::grid::{Axis, Parameter};
use crate::analysis::sweep::{default_shocks, MAX_SHOCKS, MAX_SHOCK_PCT, MIN_SHOCK_PCT};

/// The help text.
pub const USAGE: &str = "usage: flushlab <command>
  simulate FILE|- [--venue ID]
                             run the timeline; prints the outcome (with --venue, on that venue
                             profile's rules); a version 2 scenario (several markets) prints
                             every market's outcome and the links' flows
  validate FILE|-            check a scenario (version 1 or 2); prints every problem with its
                             field path (a value of the wrong type or broken JSON stops the
                             reading there: that one is said)
  contagion FILE|-           a version 2 scenario's markets alone and linked: where each
                             market's liquidations came from, link by link
  sweep FILE|- [FROM TO N]   drawdown and amplification against shock size (default -0.5..-50, 100 points),
                             each the instant cascade's end (no time: the book does not refill;
                             simulate runs the timeline); for a version 2 scenario, each market's
                             trough and liquidations (a full run of the system per shock)
  grid FILE|- X:FROM:TO:N Y:FROM:TO:N
                             2-D sweep of the instant cascade (a version 1 scenario); parameters:
                             shock_pct mean_leverage depth_usd long_share
                             maintenance_margin withdrawal; on a version 2 scenario each cell is
                             a full run of the system, and NAME@MARKET sets one market's value
                             (NAME alone: every market's)
  cycles FILE|- [CONFIG.json] leverage-cycle Monte Carlo
  counterfactual FILE|-      the same shock with every position at 1x (the instant cascade)
  calibrate TARGETS|- [--preset]
                             fit a scenario to published figures (docs/scenario.md); with
                             --preset, print the calibrated preset file instead; a version 2
                             base fits markets' values to markets' figures (or their sums)
  compare-venues FILE|-      the same scenario on every venue profile: trough, liquidated, ADL,
                             bad debt and fund on each
  venues                     list the venue profiles (docs/venues.md)
  options [SPEC.json]        a long call's effective leverage against a perpetual's at the same
                             leverage, by price move and over time (docs/model.md 14.6)
  presets                    list the presets
  preset NAME [--venue ID]   print a preset's scenario (with --venue, on that venue profile's
                             rules, as simulate --venue runs it)
  schema [calibrate|system|calibrate-system]
                             JSON Schema of the scenario format (or of a calibration file, of
                             version 2: a system of markets, or of a calibration of one)";

/// Most points one grid axis takes on the command line.
pub const MAX_GRID_AXIS_POINTS: usize = 512;

/// What the user asked for. `input` is a file path, or `-` for stdin.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Simulate {
        input: String,
        /// A venue profile's id ([`crate::scenario::profiles`]), checked to exist.
        venue: Option<String>,
    },
    CompareVenues {
        input: String,
    },
    Contagion {
        input: String,
    },
    Venues,
    Validate {
        input: String,
    },
    /// The shocks are in range ([`crate::analysis::sweep::validate_shocks`] accepts them).
    Sweep {
        input: String,
        shocks_pct: Vec<f64>,
    },
    Grid {
        input: String,
        x: Axis,
        y: Axis,
    },
    Cycles {
        input: String,
        config: Option<String>,
    },
    Counterfactual {
        input: String,
    },
    /// The options-leverage comparison; `spec` a file (or `-`) with an option, or the default.
    Options {
        spec: Option<String>,
    },
    Calibrate {
        targets: String,
        preset: bool,
    },
    Presets,
    Preset {
        name: String,
        /// A venue profile's id: the preset on that profile's rules.
        venue: Option<String>,
    },
    Schema {
        of: SchemaOf,
    },
    Help,
}

/// Which document's JSON Schema `schema` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaOf {
    Scenario,
    Calibration,
    System,
    SystemCalibration,
}

/// Parses the arguments after the program name. An error is the message for the user (exit 2).
pub fn parse(args: &[String]) -> Result<Command, String> {
    let command = args.first().map(String::as_str).unwrap_or("");
    let rest = &args[args.len().min(1)..];
    // Arguments past what a command reads are an error, not ignored: `sweep s.json -1 -20`
    // without N would otherwise run the default shocks, a plausible wrong answer.
    let most = match command {
        "venues" | "presets" => 0,
        "compare-venues" | "contagion" | "validate" | "counterfactual" | "options" | "schema" => 1,
        "cycles" | "calibrate" => 2,
        "simulate" | "preset" | "grid" => 3,
        "sweep" => 4,
        _ => usize::MAX,
    };
    if let Some(extra) = rest.get(most) {
        return Err(format!(
            "unexpected argument '{extra}' after `{command}`'s own\n{USAGE}"
        ));
    }
    // The command's first argument (`what` it is, for the messages): an option there is out of
    // place, its argument first.
    let first = |what: &str, missing: &str| match rest.first() {
        Some(option) if option.starts_with("--") => Err(format!(
            "'{option}' where {what} was expected: {what} comes first \
             (`{command} {what} {option} ...`)\n{USAGE}"
        )),
        Some(argument) => Ok(argument.clone()),
        None => Err(format!("{missing}\n{USAGE}")),
    };
    let input = || first("FILE", "missing FILE (or - for stdin)");
    Ok(match command {
        "simulate" => {
            let input = input()?;
            let venue = venue_option(rest.get(1..).unwrap_or_default())?;
            Command::Simulate { input, venue }
        }
        "compare-venues" => Command::CompareVenues { input: input()? },
        "contagion" => Command::Contagion { input: input()? },
        "venues" => Command::Venues,
        "validate" => Command::Validate { input: input()? },
        "sweep" => {
            let input = input()?;
            let shocks_pct = match &rest[1..] {
                [from, to, n] => linspace(shock(from, "FROM")?, shock(to, "TO")?, count(n)?),
                [] => default_shocks(),
                given => {
                    return Err(format!(
                        "sweep takes FROM TO N together, or none of them (got {} of the three)\n{USAGE}",
                        given.len()
                    ))
                }
            };
            Command::Sweep { input, shocks_pct }
        }
        "grid" => {
            let input = input()?;
            let (Some(x), Some(y)) = (rest.get(1), rest.get(2)) else {
                return Err(format!("grid needs two axes\n{USAGE}"));
            };
            Command::Grid {
                input,
                x: axis(x)?,
                y: axis(y)?,
            }
        }
        "cycles" => Command::Cycles {
            input: input()?,
            config: rest.get(1).cloned(),
        },
        "counterfactual" => Command::Counterfactual { input: input()? },
        "options" => Command::Options {
            spec: rest.first().cloned(),
        },
        "calibrate" => {
            let targets = first("TARGETS", "missing TARGETS file")?;
            let preset = match rest.get(1).map(String::as_str) {
                None => false,
                Some("--preset") => true,
                Some(other) => return Err(format!("unknown option '{other}'\n{USAGE}")),
            };
            Command::Calibrate { targets, preset }
        }
        "presets" => Command::Presets,
        "preset" => {
            let name = first("NAME", "preset needs a name")?;
            Command::Preset {
                name,
                venue: venue_option(rest.get(1..).unwrap_or_default())?,
            }
        }
        "schema" => match rest.first().map(String::as_str) {
            None => Command::Schema {
                of: SchemaOf::Scenario,
            },
            Some("calibrate") => Command::Schema {
                of: SchemaOf::Calibration,
            },
            Some("system") => Command::Schema {
                of: SchemaOf::System,
            },
            Some("calibrate-system") => Command::Schema {
                of: SchemaOf::SystemCalibration,
            },
            Some(other) => return Err(format!("no schema '{other}'\n{USAGE}")),
        },
        "" | "help" | "--help" | "-h" => Command::Help,
        other => return Err(format!("unknown command '{other}'\n{USAGE}")),
    })
}

/// The id of a venue profile.
/// The options after a command's argument: nothing, or `--venue ID` with a profile's id.
fn venue_option(options: &[String]) -> Result<Option<String>, String> {
    let first = options.first().map(String::as_str);
    if let Some(id) = first.and_then(|option| option.strip_prefix("--venue=")) {
        return match options.get(1) {
            Some(extra) => Err(format!("unexpected argument '{extra}'\n{USAGE}")),
            None => Ok(Some(venue_id(id)?)),
        };
    }
    match (first, options.get(1)) {
        (None, _) => Ok(None),
        (Some("--venue"), Some(id)) => Ok(Some(venue_id(id)?)),
        (Some("--venue"), None) => Err(format!("--venue needs an id\n{USAGE}")),
        (Some(other), _) if !other.starts_with('-') => Err(format!(
            "unexpected argument '{other}': the command reads one file\n{USAGE}"
        )),
        (Some(other), _) => Err(format!("unknown option '{other}'\n{USAGE}")),
    }
}

fn venue_id(id: &str) -> Result<String, String> {
    if crate::scenario::profiles::venue_profile(id).is_some() {
        Ok(id.to_string())
    } else {
        let ids: Vec<&str> = crate::scenario::profiles::venue_profiles()
            .iter()
            .map(|profile| profile.id)
            .collect();
        Err(format!(
            "no venue profile '{id}'; there are: {}",
            ids.join(", ")
        ))
    }
}

/// A finite number.
fn number(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .ok_or_else(|| format!("'{text}' is not a number"))
}

/// A sweep's end, in the range a sweep takes (so every point between is too).
fn shock(text: &str, name: &str) -> Result<f64, String> {
    let value = number(text).map_err(|error| format!("{name} {error}"))?;
    if (MIN_SHOCK_PCT..=MAX_SHOCK_PCT).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{name} '{text}': a sweep's shocks must be in [{MIN_SHOCK_PCT}, {MAX_SHOCK_PCT}] percent"
        ))
    }
}

/// A point count from FROM to TO, both ends included: 2 to [`MAX_SHOCKS`].
fn count(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (2..=MAX_SHOCKS).contains(n))
        .ok_or_else(|| {
            format!("N '{text}': a sweep from FROM to TO takes 2 to {MAX_SHOCKS} points")
        })
}

fn linspace(from: f64, to: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| from + (to - from) * k as f64 / (n - 1) as f64)
        .collect()
}

/// `NAME[@MARKET]:FROM:TO:N`; the values (and the market) are checked by the grid against the
/// scenario.
fn axis(spec: &str) -> Result<Axis, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [name, from, to, n] = parts[..] else {
        return Err(format!("axis '{spec}' must be NAME[@MARKET]:FROM:TO:N"));
    };
    let (name, market) = match name.split_once('@') {
        Some((name, market)) if !market.is_empty() => (name, Some(market.to_string())),
        Some(_) => return Err(format!("axis '{spec}': a market's id follows the @")),
        None => (name, None),
    };
    let parameter = Parameter::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Parameter::ALL.iter().map(|p| p.name()).collect();
        format!(
            "unknown grid parameter '{name}'; there are: {}",
            names.join(", ")
        )
    })?;
    let n = n
        .parse::<usize>()
        .ok()
        .filter(|n| (2..=MAX_GRID_AXIS_POINTS).contains(n))
        .ok_or_else(|| {
            format!(
                "axis '{spec}': at most {MAX_GRID_AXIS_POINTS} points and at least 2 (N is '{n}')"
            )
        })?;
    Ok(Axis {
        market,
        ..Axis::linspace(
            parameter,
            number(from).map_err(|error| format!("axis '{spec}': FROM {error}"))?,
            number(to).map_err(|error| format!("axis '{spec}': TO {error}"))?,
            n,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Command, String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse(&args)
    }

    #[test]
    fn commands_parse_into_what_they_ask_for() {
        assert_eq!(
            parse_line("simulate -"),
            Ok(Command::Simulate {
                input: "-".into(),
                venue: None
            })
        );
        assert_eq!(
            parse_line("simulate s.json --venue dydx"),
            Ok(Command::Simulate {
                input: "s.json".into(),
                venue: Some("dydx".into())
            })
        );
        assert_eq!(
            parse_line("simulate s.json --venue=dydx"),
            parse_line("simulate s.json --venue dydx")
        );
        assert!(parse_line("simulate s.json --venue=dydx x")
            .unwrap_err()
            .contains("unexpected argument 'x'"));
        assert!(parse_line("simulate s.json --venue nasdaq")
            .unwrap_err()
            .contains("there are: binance, hyperliquid, bybit, okx, dydx"));
        assert!(parse_line("simulate s.json --venue").is_err());
        assert!(parse_line("simulate s.json --fast").is_err());
        assert_eq!(
            parse_line("preset btc-2025-10-10 --venue okx"),
            Ok(Command::Preset {
                name: "btc-2025-10-10".into(),
                venue: Some("okx".into())
            })
        );
        assert!(parse_line("preset calm-market --venue ftx")
            .unwrap_err()
            .contains("no venue profile 'ftx'"));
        assert_eq!(
            parse_line("compare-venues -"),
            Ok(Command::CompareVenues { input: "-".into() })
        );
        assert_eq!(
            parse_line("contagion s.json"),
            Ok(Command::Contagion {
                input: "s.json".into()
            })
        );
        assert_eq!(
            parse_line("schema system"),
            Ok(Command::Schema {
                of: SchemaOf::System
            })
        );
        assert_eq!(
            parse_line("calibrate t.json --preset"),
            Ok(Command::Calibrate {
                targets: "t.json".into(),
                preset: true
            })
        );
        let Ok(Command::Sweep { shocks_pct, .. }) = parse_line("sweep f -1 -20 8") else {
            panic!("a sweep");
        };
        assert_eq!(
            (shocks_pct.len(), shocks_pct[0], shocks_pct[7]),
            (8, -1.0, -20.0)
        );
        assert_eq!(parse_line(""), Ok(Command::Help));
    }

    #[test]
    fn hostile_arguments_get_a_message_not_a_panic() {
        for (line, message) in [
            (
                "sweep f -1e308 1e308 10",
                "FROM '-1e308': a sweep's shocks must be in",
            ),
            ("sweep f -1 NaN 10", "TO 'NaN' is not a number"),
            ("sweep f abc -8 3", "FROM 'abc' is not a number"),
            (
                "sweep f -1 -2 99999999999999999999",
                "N '99999999999999999999': a sweep from FROM to TO takes 2 to",
            ),
            (
                "sweep f -7 -8 1",
                "N '1': a sweep from FROM to TO takes 2 to",
            ),
            (
                "simulate f.json extra.json",
                "unexpected argument 'extra.json': the command reads one file",
            ),
            ("simulate f.json --venu okx", "unknown option '--venu'"),
            (
                "grid f shock_pct:-1:-2:513 withdrawal:0:1:2",
                "at most 512 points and at least 2 (N is '513')",
            ),
            (
                "grid f shock_pct:-1:-2 withdrawal:0:1:2",
                "must be NAME[@MARKET]:FROM:TO:N",
            ),
            (
                "grid f shock_pct:-1:-2:3 withdrawal@:0:1:2",
                "a market's id follows the @",
            ),
            ("grid f", "grid needs two axes"),
            (
                "grid f shock_pct:-1:-2:3 mean_levrage:2:5:2",
                "there are: shock_pct, mean_leverage",
            ),
            ("calibrate t.json --force", "unknown option '--force'"),
            ("frobnicate", "unknown command"),
            ("simulate", "missing FILE"),
            // What a command does not read is refused, not ignored.
            (
                "sweep f -1 -20",
                "FROM TO N together, or none of them (got 2",
            ),
            ("sweep f -1", "(got 1 of the three)"),
            (
                "compare-venues f --venue okx",
                "unexpected argument '--venue'",
            ),
            (
                "simulate f --venue okx extra",
                "unexpected argument 'extra'",
            ),
            ("validate f extra", "unexpected argument 'extra'"),
            (
                "grid f shock_pct:-1:-2:3 withdrawal:0:1:2 z",
                "unexpected argument 'z'",
            ),
            ("venues x", "unexpected argument 'x'"),
            ("presets --all", "unexpected argument '--all'"),
            ("options a b", "unexpected argument 'b'"),
            ("cycles f k.json extra", "unexpected argument 'extra'"),
            (
                "simulate --venue okx f",
                "'--venue' where FILE was expected",
            ),
            (
                "calibrate --preset t.json",
                "'--preset' where TARGETS was expected",
            ),
            (
                "preset --venue okx calm-market",
                "'--venue' where NAME was expected",
            ),
        ] {
            let error = parse_line(line).expect_err(line);
            assert!(error.contains(message), "{line}: {error}");
        }
    }
}
