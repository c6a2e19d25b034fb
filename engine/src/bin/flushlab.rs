//! `flushlab`: the engine on the command line. JSON to stdout, errors to stderr; exit code 0 ok,
//! 2 invalid input (a value out of range, or work over the budget: src/budget.rs), 1 internal
//! error. Arguments are parsed by `flushlab_engine::cli`; this file reads the inputs (each at
//! most `MAX_INPUT_BYTES`) and runs the command.

use std::io::{Read, Write};
use std::process::ExitCode;

use flushlab_engine::analysis;
use flushlab_engine::cli::{self, Command, SchemaOf, USAGE};
use flushlab_engine::scenario::profiles::{venue_profile, venue_profiles};
use flushlab_engine::scenario::MAX_INPUT_BYTES;
use flushlab_engine::system::{simulate_system, System};
use flushlab_engine::{budget, presets, Scenario};

enum Failure {
    /// Bad input: exit 2.
    Input(String),
    /// Our fault: exit 1.
    Internal(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(&args).map_err(Failure::Input).and_then(run) {
        Ok(json) => {
            // A reader that stops early (`| head`) is not an error of ours: end quietly, where
            // println! would panic on the closed pipe.
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{json}").and_then(|()| out.flush()) {
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    say(&format!("could not write the output: {error}"));
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(Failure::Input(message)) => {
            say(&message);
            ExitCode::from(2)
        }
        Err(Failure::Internal(message)) => {
            say(&format!("internal error: {message}"));
            ExitCode::from(1)
        }
    }
}

/// A message on stderr; a closed stderr (`2>&1 | head`) loses it rather than panicking as
/// eprintln! would.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

fn run(command: Command) -> Result<String, Failure> {
    let input_error = |error: flushlab_engine::ScenarioError| Failure::Input(error.to_string());
    match command {
        Command::Simulate { input, venue } => {
            let text = read(&input)?;
            if is_system(&text)? {
                if venue.is_some() {
                    return Err(Failure::Input(
                        "--venue applies to a version 1 scenario; in version 2 set each market's venue"
                            .into(),
                    ));
                }
                let system = System::from_json(&text).map_err(input_error)?;
                return to_json(&simulate_system(&system).map_err(input_error)?);
            }
            let mut scenario = Scenario::from_json(&text).map_err(input_error)?;
            if let Some(profile) = venue.as_deref().and_then(venue_profile) {
                profile.apply(&mut scenario);
            }
            let outcome = flushlab_engine::simulate(&scenario).map_err(input_error)?;
            Ok(flushlab_engine::outcome_json(&outcome))
        }
        Command::CompareVenues { input } => {
            let base = scenario(&input, "compare-venues")?;
            let mut rows = Vec::new();
            for profile in venue_profiles() {
                // Which profile's run was refused (dYdX's caps can put one over the budget).
                let summary = flushlab_engine::simulate(&analysis::on_venue(&base, profile))
                    .map_err(|error| {
                        Failure::Input(format!("on {} ({}): {error}", profile.name, profile.id))
                    })?
                    .summary;
                rows.push(analysis::VenueRow::new(profile.id, profile.name, &summary));
            }
            to_json(&rows)
        }
        Command::Venues => {
            let list: Vec<serde_json::Value> = venue_profiles()
                .iter()
                .map(|p| serde_json::json!({"id": p.id, "name": p.name, "as_of": p.as_of, "venue": p.venue}))
                .collect();
            to_json(&list)
        }
        Command::Validate { input } => {
            let text = read(&input)?;
            if is_system(&text)? {
                let system = System::from_json(&text).map_err(input_error)?;
                let positions: usize = system
                    .market_scenarios()
                    .iter()
                    .map(Scenario::position_count)
                    .sum();
                return Ok(format!(
                    r#"{{"valid": true, "positions": {positions}, "markets": {}}}"#,
                    system.markets.len()
                ));
            }
            let scenario = Scenario::from_json(&text).map_err(input_error)?;
            Ok(format!(
                r#"{{"valid": true, "positions": {}}}"#,
                scenario.position_count()
            ))
        }
        Command::Contagion { input } => {
            let system = System::from_json(&read(&input)?).map_err(input_error)?;
            to_json(&analysis::contagion(&system).map_err(input_error)?)
        }
        Command::Sweep { input, shocks_pct } => {
            let text = read(&input)?;
            if is_system(&text)? {
                // Each shock a full run of the system (its links, accounts and lending).
                let system = System::from_json(&text).map_err(input_error)?;
                // The default range (ours, not the user's) stops where a market's beta would
                // take the shock out of range; a range asked for is refused there.
                let shocks_pct = if shocks_pct == analysis::sweep::default_shocks() {
                    let taken: Vec<f64> = shocks_pct
                        .iter()
                        .copied()
                        .take_while(|&pct| system.with_shock_pct(pct).validate().is_ok())
                        .collect();
                    match taken.last() {
                        // Not one: the refusal says why.
                        None => shocks_pct,
                        Some(last) => {
                            if taken.len() < shocks_pct.len() {
                                say(&format!(
                                    "sweep: the default shocks stop at {last}%: past it a market's shock_beta takes its shock out of range"
                                ));
                            }
                            taken
                        }
                    }
                } else {
                    shocks_pct
                };
                return to_json(
                    &analysis::sweep_system(&system, &shocks_pct).map_err(input_error)?,
                );
            }
            // analysis::sweep checks the fields, the shocks and the sweep's work budget.
            let scenario = Scenario::from_json(&text).map_err(input_error)?;
            let sweep = analysis::sweep(&scenario, &shocks_pct).map_err(input_error)?;
            to_json(&sweep)
        }
        Command::Grid { input, x, y } => {
            let text = read(&input)?;
            if is_system(&text)? {
                let system = System::from_json(&text).map_err(input_error)?;
                return to_json(&analysis::grid_system(&system, &x, &y).map_err(input_error)?);
            }
            let scenario = Scenario::from_json(&text).map_err(input_error)?;
            to_json(&analysis::grid(&scenario, &x, &y).map_err(input_error)?)
        }
        Command::Cycles { input, config } => {
            let scenario = scenario(&input, "cycles")?;
            let config: analysis::CyclesConfig = match config {
                Some(path) => analysis::CyclesConfig::from_json(&read(&path)?)
                    .map_err(|error| Failure::Input(format!("cycles config: {error}")))?,
                None => serde_json::from_str("{}")
                    .map_err(|error| Failure::Internal(error.to_string()))?,
            };
            to_json(&analysis::cycles(&scenario, &config).map_err(input_error)?)
        }
        Command::Counterfactual { input } => {
            let scenario = scenario(&input, "counterfactual")?;
            budget::counterfactual(&scenario)
                .check(flushlab_engine::Work::Counterfactual, budget::RUN_BUDGET_S)
                .map_err(input_error)?;
            to_json(&analysis::counterfactual(&scenario))
        }
        Command::Options { spec } => {
            let spec = match spec {
                Some(path) => {
                    analysis::OptionSpec::from_json(&read(&path)?).map_err(input_error)?
                }
                None => analysis::OptionSpec::default(),
            };
            to_json(&analysis::option_leverage(&spec))
        }
        Command::Calibrate { targets, preset } => {
            let text = read(&targets)?;
            if base_is_system(&text) {
                return calibrate_system(&text, preset);
            }
            let spec = analysis::CalibrationSpec::from_json(&text).map_err(input_error)?;
            // Said before the fit, which can take minutes.
            let name = preset_to_write(preset, spec.preset.as_deref())?;
            let fit = analysis::calibrate(&spec).map_err(input_error)?;
            not_converged(fit.converged);
            let Some(name) = name else {
                return to_json(&fit);
            };
            let mut preset = presets::find(name)
                .ok_or_else(|| Failure::Input(format!("preset: no preset '{name}'")))?;
            preset.scenario = fit.scenario;
            serde_json::to_string_pretty(&preset)
                .map_err(|error| Failure::Internal(error.to_string()))
        }
        Command::Presets => {
            let mut list: Vec<serde_json::Value> = presets::all()
                .into_iter()
                .map(|p| serde_json::json!({"name": p.name, "title": p.title, "date": p.date, "story": p.story}))
                .collect();
            list.extend(presets::systems().into_iter().map(|p| {
                serde_json::json!({"name": p.name, "title": p.title, "date": p.date, "story": p.story,
                    "version": 2, "markets": p.system.markets.len()})
            }));
            to_json(&list)
        }
        Command::Preset { name, venue } => {
            if let Some(preset) = presets::find_system(&name) {
                if venue.is_some() {
                    return Err(Failure::Input(format!(
                        "'{name}' is a system of markets: --venue applies to a one-market preset; in version 2 set each market's venue"
                    )));
                }
                return Ok(preset.system.to_json());
            }
            let preset = presets::find(&name).ok_or_else(|| {
                let systems: Vec<String> = presets::systems().into_iter().map(|p| p.name).collect();
                let guess = presets::nearest(&name)
                    .map(|near| format!(" (did you mean '{near}'?)"))
                    .unwrap_or_default();
                Failure::Input(format!(
                    "no preset '{name}'{guess}; there are: {}, {}",
                    presets::names().join(", "),
                    systems.join(", ")
                ))
            })?;
            let mut scenario = preset.scenario;
            if let Some(profile) = venue.as_deref().and_then(venue_profile) {
                profile.apply(&mut scenario);
            }
            Ok(scenario.to_json())
        }
        Command::Schema { of } => Ok(match of {
            SchemaOf::Scenario => Scenario::json_schema(),
            SchemaOf::Calibration => analysis::CalibrationSpec::json_schema(),
            SchemaOf::System => System::json_schema(),
            SchemaOf::SystemCalibration => analysis::SystemCalibrationSpec::json_schema(),
        }),
        Command::Help => Ok(USAGE.to_string()),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|error| Failure::Internal(error.to_string()))
}

/// Reads a file, or stdin for `-`, stopping one byte past [`MAX_INPUT_BYTES`]: an endless or
/// huge input (`yes | flushlab simulate -`) is refused without being held in memory.
fn read(path: &str) -> Result<String, Failure> {
    let (name, source): (&str, Box<dyn Read>) = if path == "-" {
        ("stdin", Box::new(std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path)
            .map_err(|error| Failure::Input(format!("{path}: {error}")))?;
        (path, Box::new(file))
    };
    let mut bytes = Vec::new();
    source
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| Failure::Input(format!("{name}: {error}")))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Failure::Input(format!(
            "{name}: input is more than {MAX_INPUT_BYTES} bytes; the limit is {MAX_INPUT_BYTES}"
        )));
    }
    let text =
        String::from_utf8(bytes).map_err(|error| Failure::Input(format!("{name}: {error}")))?;
    let text = flushlab_engine::scenario::without_byte_order_mark(&text).to_string();
    // A preset file (as `flushlab preset NAME` writes it, or engine/presets/*.json) is read as
    // the scenario or system it holds, as the page's import reads it.
    Ok(match presets::preset_file_content(&text) {
        Some(presets::PresetContent::Scenario(inner) | presets::PresetContent::System(inner)) => {
            inner
        }
        Some(presets::PresetContent::Refused(why)) => {
            return Err(Failure::Input(format!("{name}: {why}")))
        }
        None => text,
    })
}

/// Whether a document says it is version 2 (a system of markets), as far as it can be read
/// ([`flushlab_engine::scenario::format_version`]: a system cut short is still one); a version
/// that is neither is refused as such; anything else is read as version 1, whose reader reports
/// what is wrong with it.
fn is_system(text: &str) -> Result<bool, Failure> {
    match flushlab_engine::scenario::format_version(text) {
        Some(2) => Ok(true),
        Some(1) | None => Ok(false),
        Some(other) => Err(Failure::Input(format!(
            "version: must be 1 (a scenario of one market) or 2 (a system of markets) (got {other})"
        ))),
    }
}

/// Whether a calibration file's base says it is version 2.
fn base_is_system(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct WithBase {
        base: serde_json::Value,
    }
    serde_json::from_str::<WithBase>(text)
        .is_ok_and(|file| file.base.get("version").and_then(|v| v.as_u64()) == Some(2))
}

/// `calibrate` on a version 2 base: the fit, or with `--preset` the system preset file with the
/// fitted system.
fn calibrate_system(text: &str, preset: bool) -> Result<String, Failure> {
    let input_error = |error: flushlab_engine::ScenarioError| Failure::Input(error.to_string());
    let spec = analysis::SystemCalibrationSpec::from_json(text).map_err(input_error)?;
    let name = preset_to_write(preset, spec.preset.as_deref())?;
    let fit = analysis::calibrate_system(&spec).map_err(input_error)?;
    not_converged(fit.converged);
    let Some(name) = name else {
        return to_json(&fit);
    };
    let mut file = presets::find_system(name)
        .ok_or_else(|| Failure::Input(format!("preset: no system preset '{name}'")))?;
    file.system = fit.system;
    serde_json::to_string_pretty(&file).map_err(|error| Failure::Internal(error.to_string()))
}

/// A fit that stopped before converging is said on stderr too (its output says
/// `"converged": false`, easy to miss in a script).
fn not_converged(converged: bool) {
    if !converged {
        say("calibrate: the fit did not converge (its figures are the best found; each target's relative_error says how far it is)");
    }
}

/// With `--preset`, the preset the calibration file names (an error when it names none);
/// without it, none.
fn preset_to_write(asked: bool, named: Option<&str>) -> Result<Option<&str>, Failure> {
    match (asked, named) {
        (false, _) => Ok(None),
        (true, Some(name)) => Ok(Some(name)),
        (true, None) => Err(Failure::Input(
            "--preset needs the file's \"preset\" field".into(),
        )),
    }
}

/// A version 1 scenario for `command`, which reads no other: a version 2 file (a system of
/// markets) is said to be one, not reported field by field ("markets: unknown field").
fn scenario(path: &str, command: &str) -> Result<Scenario, Failure> {
    let text = read(path)?;
    if is_system(&text)? {
        return Err(Failure::Input(format!(
            "{command} reads a version 1 scenario (one market); this file is version 2, a system \
             of markets: `simulate`, `validate`, `contagion`, `sweep`, `grid` and `calibrate` read it"
        )));
    }
    Scenario::from_json(&text).map_err(|error| Failure::Input(error.to_string()))
}
