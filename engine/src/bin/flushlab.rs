//! `flushlab`: the engine on the command line. JSON to stdout, errors to stderr; exit code 0 ok,
//! 2 invalid input (a value out of range, or work over the budget: src/budget.rs), 1 internal
//! error.

use std::io::Read;
use std::process::ExitCode;

use flushlab_engine::analysis;
use flushlab_engine::{budget, presets, Scenario};

const USAGE: &str = "usage: flushlab <command>
  simulate FILE|-            run the timeline; prints the outcome
  validate FILE|-            check a scenario; prints every problem with its field path
  sweep FILE|- [FROM TO N]   drawdown and amplification against shock size (default -0.5..-50, 100 points)
  grid FILE|- X:FROM:TO:N Y:FROM:TO:N
                             2-D sweep; parameters: shock_pct mean_leverage depth_usd long_share
                             maintenance_margin withdrawal
  cycles FILE|- [CONFIG.json] leverage-cycle Monte Carlo
  counterfactual FILE|-      the same shock with every position at 1x
  calibrate TARGETS|- [--preset]
                             fit a scenario to published figures (docs/scenario.md); with
                             --preset, print the calibrated preset file instead
  presets                    list the presets
  preset NAME                print a preset's scenario
  schema [calibrate]         JSON Schema of the scenario format (or of a calibration file)";

enum Failure {
    /// Bad input: exit 2.
    Input(String),
    /// Our fault: exit 1.
    Internal(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(message)) => {
            eprintln!("internal error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<String, Failure> {
    let command = args.first().map(String::as_str).unwrap_or("");
    let rest = &args[args.len().min(1)..];
    match command {
        "simulate" => {
            let scenario = scenario_arg(rest)?;
            let outcome = flushlab_engine::simulate(&scenario)
                .map_err(|error| Failure::Input(error.to_string()))?;
            Ok(flushlab_engine::outcome_json(&outcome))
        }
        "validate" => {
            let scenario = scenario_arg(rest)?;
            Ok(format!(
                r#"{{"valid": true, "positions": {}}}"#,
                scenario.position_count()
            ))
        }
        "sweep" => {
            let scenario = scenario_arg(rest)?;
            let shocks = match rest.get(1..4) {
                Some([from, to, n]) => linspace(number(from)?, number(to)?, count(n)?),
                _ => analysis::sweep::default_shocks(),
            };
            budget::sweep(&scenario, shocks.len())
                .check("this sweep", budget::RUN_BUDGET_S)
                .map_err(|error| Failure::Input(error.to_string()))?;
            to_json(&analysis::sweep::sweep(&scenario, &shocks))
        }
        "grid" => {
            let scenario = scenario_arg(rest)?;
            let (Some(x), Some(y)) = (rest.get(1), rest.get(2)) else {
                return Err(Failure::Input(format!("grid needs two axes\n{USAGE}")));
            };
            let grid = analysis::grid::grid(&scenario, &axis(x)?, &axis(y)?)
                .map_err(|error| Failure::Input(error.to_string()))?;
            to_json(&grid)
        }
        "cycles" => {
            let scenario = scenario_arg(rest)?;
            let config: analysis::cycles::CyclesConfig = match rest.get(1) {
                Some(path) => serde_json::from_str(&read(path)?)
                    .map_err(|error| Failure::Input(format!("cycles config: {error}")))?,
                None => serde_json::from_str("{}")
                    .map_err(|error| Failure::Internal(error.to_string()))?,
            };
            let cycles = analysis::cycles::cycles(&scenario, &config)
                .map_err(|error| Failure::Input(error.to_string()))?;
            to_json(&cycles)
        }
        "counterfactual" => {
            let scenario = scenario_arg(rest)?;
            budget::counterfactual(&scenario)
                .check("this counterfactual", budget::RUN_BUDGET_S)
                .map_err(|error| Failure::Input(error.to_string()))?;
            to_json(&analysis::counterfactual::counterfactual(&scenario))
        }
        "calibrate" => {
            let path = rest
                .first()
                .ok_or_else(|| Failure::Input(format!("missing TARGETS file\n{USAGE}")))?;
            let spec = analysis::CalibrationSpec::from_json(&read(path)?)
                .map_err(|error| Failure::Input(error.to_string()))?;
            let fit =
                analysis::calibrate(&spec).map_err(|error| Failure::Input(error.to_string()))?;
            match rest.get(1).map(String::as_str) {
                None => to_json(&fit),
                Some("--preset") => {
                    let name = spec.preset.as_deref().ok_or_else(|| {
                        Failure::Input("--preset needs the file's \"preset\" field".into())
                    })?;
                    let mut preset = presets::find(name)
                        .ok_or_else(|| Failure::Input(format!("preset: no preset '{name}'")))?;
                    preset.scenario = fit.scenario;
                    serde_json::to_string_pretty(&preset)
                        .map_err(|error| Failure::Internal(error.to_string()))
                }
                Some(other) => Err(Failure::Input(format!("unknown option '{other}'\n{USAGE}"))),
            }
        }
        "presets" => {
            let list: Vec<serde_json::Value> = presets::all()
                .into_iter()
                .map(|p| serde_json::json!({"name": p.name, "title": p.title, "date": p.date, "story": p.story}))
                .collect();
            to_json(&list)
        }
        "preset" => {
            let name = rest
                .first()
                .ok_or_else(|| Failure::Input(format!("preset needs a name\n{USAGE}")))?;
            let preset = presets::find(name).ok_or_else(|| {
                let names: Vec<String> = presets::all().into_iter().map(|p| p.name).collect();
                Failure::Input(format!(
                    "no preset '{name}'; there are: {}",
                    names.join(", ")
                ))
            })?;
            Ok(preset.scenario.to_json())
        }
        "schema" => match rest.first().map(String::as_str) {
            None => Ok(Scenario::json_schema()),
            Some("calibrate") => Ok(analysis::CalibrationSpec::json_schema()),
            Some(other) => Err(Failure::Input(format!("no schema '{other}'\n{USAGE}"))),
        },
        "" | "help" | "--help" | "-h" => Ok(format!("{:?}", USAGE)
            .replace("\\n", "\n")
            .trim_matches('"')
            .to_string()),
        other => Err(Failure::Input(format!(
            "unknown command '{other}'\n{USAGE}"
        ))),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|error| Failure::Internal(error.to_string()))
}

fn read(path: &str) -> Result<String, Failure> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| Failure::Input(format!("stdin: {error}")))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|error| Failure::Input(format!("{path}: {error}")))
    }
}

fn scenario_arg(rest: &[String]) -> Result<Scenario, Failure> {
    let path = rest
        .first()
        .ok_or_else(|| Failure::Input(format!("missing FILE (or - for stdin)\n{USAGE}")))?;
    Scenario::from_json(&read(path)?).map_err(|error| Failure::Input(error.to_string()))
}

fn number(text: &str) -> Result<f64, Failure> {
    text.parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .ok_or_else(|| Failure::Input(format!("'{text}' is not a number")))
}

fn count(text: &str) -> Result<usize, Failure> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (2..=10_000).contains(n))
        .ok_or_else(|| Failure::Input(format!("'{text}': point count must be 2 to 10000")))
}

fn linspace(from: f64, to: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| from + (to - from) * k as f64 / (n - 1) as f64)
        .collect()
}

fn axis(spec: &str) -> Result<analysis::grid::Axis, Failure> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [name, from, to, n] = parts[..] else {
        return Err(Failure::Input(format!(
            "axis '{spec}' must be NAME:FROM:TO:N"
        )));
    };
    let parameter = analysis::grid::Parameter::from_name(name)
        .ok_or_else(|| Failure::Input(format!("unknown grid parameter '{name}'")))?;
    let n = count(n)?;
    if n > 512 {
        return Err(Failure::Input(format!("axis '{spec}': at most 512 points")));
    }
    Ok(analysis::grid::Axis::linspace(
        parameter,
        number(from)?,
        number(to)?,
        n,
    ))
}
