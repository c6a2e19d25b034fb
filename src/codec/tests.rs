//! The codec's examples: links and files round-trip, and bad ones say what was wrong.

use super::*;

fn with_steps(steps: u32) -> Scenario {
    let mut scenario = presets::default_scenario();
    scenario.run.steps = steps;
    scenario
}

/// A link payload carrying `bytes` as its (deflated) content, whatever they are.
fn payload_of(bytes: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(bytes, 9);
    format!("{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

#[test]
fn every_preset_round_trips_through_a_link_and_a_file() {
    for preset in presets::all() {
        let link = encode_link(&preset.scenario);
        assert!(link.starts_with("1."), "{link}");
        assert!(link.len() < MAX_LINK_CHARS, "{}", preset.name);
        assert_eq!(decode_link(&link), Ok(preset.scenario.clone()));
        assert_eq!(
            decode_file(&encode_file(&preset.scenario)),
            Ok(preset.scenario)
        );
    }
}

/// A link, file or saved page written before runs named the time of day they start at: a
/// preset's as it came reopens as that preset (its clock with it), an edit of a named preset
/// takes that preset's clock, and a scenario of the reader's own stays without one.
#[test]
fn a_link_from_before_runs_named_their_start_reopens_on_the_presets_clock() {
    let preset = presets::find("btc-2025-10-10").unwrap();
    assert_eq!(preset.scenario.run.start_utc.as_deref(), Some("20:50"));
    let mut before = preset.scenario.clone();
    before.run.start_utc = None;
    let link = encode_link(&before);
    assert_eq!(decode_link(&link), Ok(preset.scenario.clone()));
    assert_eq!(decode_link_plainly(&link), Ok(preset.scenario.clone()));
    assert_eq!(
        decode_file(&encode_file(&before)),
        Ok(preset.scenario.clone())
    );
    let page = parse_query(&format!("?s={link}"));
    assert_eq!(page.scenario, Some(Ok(preset.scenario.clone())));

    let mut edited = before.clone();
    edited.run.steps = 90;
    let own = encode_link(&edited);
    assert_eq!(decode_link(&own).unwrap().run.start_utc, None);
    let page = parse_query(&format!("?preset={}&s={own}", preset.name));
    let opened = page.scenario.unwrap().unwrap();
    assert_eq!(opened.run.start_utc.as_deref(), Some("20:50"));
    assert_eq!(opened.run.steps, 90);
    // A preset without a recorded start gives none.
    let calm = parse_query(&format!("?preset=calm-market&s={own}"));
    assert_eq!(calm.scenario.unwrap().unwrap().run.start_utc, None);
}

/// A system of markets from before runs named their start: a `sys=` link of a system preset's
/// system reopens on that preset's clock; a system of the reader's own stays without one.
#[test]
fn a_system_link_from_before_runs_named_their_start_takes_its_presets_clock() {
    let preset = presets::find_system("btc-2025-10-10-venues").unwrap();
    let mut before = preset.system.clone();
    before.run.start_utc = None;
    let page = parse_query(&format!("?sys={}", pack(&before.to_json())));
    let choice = page.markets.unwrap().unwrap();
    let opened = &choice.own.as_ref().unwrap().system;
    assert_eq!(opened.run.start_utc.as_deref(), Some("20:50"));
    before.run.steps = 90;
    let page = parse_query(&format!("?sys={}", pack(&before.to_json())));
    let choice = page.markets.unwrap().unwrap();
    assert_eq!(choice.own.as_ref().unwrap().system.run.start_utc, None);
}

#[test]
fn a_link_keeps_every_float_bit_for_bit() {
    let mut scenario = presets::default_scenario();
    scenario.shock.pct = -0.1 - 0.2; // -0.30000000000000004: not the shortest decimal of -0.3
    let back = decode_link(&encode_link(&scenario)).unwrap();
    assert_eq!(back.shock.pct.to_bits(), scenario.shock.pct.to_bits());
}

#[test]
fn a_link_is_url_safe_and_has_no_padding() {
    let link = encode_link(&presets::default_scenario());
    let body = link.strip_prefix("1.").unwrap();
    assert!(body
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'));
    // Padding written by other encoders is tolerated.
    assert!(decode_link(&format!("{link}==")).is_ok());
}

#[test]
fn links_that_are_not_ours_are_refused_with_a_reason() {
    let error = |payload: &str| decode_link(payload).unwrap_err();
    assert!(error("").contains("no version"));
    assert!(error("AAAA").contains("no version"));
    assert!(error("2.AAAA").contains("version \"2\""));
    assert_eq!(
        error("1.a$b"),
        "the link's scenario has '$' at character 2 after \"1.\", which a FlushLab link never \
         carries: was it changed or copied with extra text?"
    );
    assert!(error("1.xyz").contains("ends part-way through a character"));
    assert!(error("1.AAAAA").contains("ends part-way through a character"));
    assert!(error("1.AAAA").contains("damaged"));
    assert!(error(&payload_of(&[0xff, 0xfe, 0x00])).contains("UTF-8"));
    assert!(
        error(&payload_of(b"{")).contains("line"),
        "{}",
        error(&payload_of(b"{"))
    );
    let invalid = error(&encode_link(&with_steps(0)));
    assert!(invalid.contains("run.steps"), "{invalid}");
}

#[test]
fn a_link_longer_than_the_limit_is_refused_before_decoding() {
    let at_limit = format!("1.{}", "A".repeat(MAX_LINK_CHARS - 2));
    assert!(!decode_link(&at_limit).unwrap_err().contains("characters"));
    let over = format!("1.{}", "A".repeat(MAX_LINK_CHARS - 1));
    let error = decode_link(&over).unwrap_err();
    assert!(
        error.contains(&format!("{}", MAX_LINK_CHARS + 1)),
        "{error}"
    );
}

#[test]
fn a_link_that_inflates_past_the_limit_is_refused() {
    // A few kilobytes of link that would inflate to 2 MiB of spaces.
    let bomb = payload_of(&vec![b' '; 2 * MAX_LINK_JSON_BYTES]);
    assert!(bomb.len() < MAX_LINK_CHARS);
    let error = decode_link(&bomb).unwrap_err();
    assert!(
        error.contains("unpacks to more than the 1 MiB a link may hold"),
        "{error}"
    );
}

#[test]
fn a_preset_file_is_imported_as_its_scenario() {
    let preset = presets::all().into_iter().nth(1).unwrap();
    let file = serde_json::to_string_pretty(&preset).unwrap();
    assert_eq!(decode_file(&file), Ok(preset.scenario.clone()));
    // A preset whose scenario is invalid says which field, under the scenario's own paths.
    let mut broken = preset;
    broken.scenario.run.steps = 0;
    let error = decode_file(&serde_json::to_string(&broken).unwrap()).unwrap_err();
    assert!(error.contains("scenario.run.steps"), "{error}");
    // So does a misspelt field or a wrong type in it (it was "not a FlushLab scenario file").
    let file = serde_json::to_string_pretty(&presets::all()[1]).unwrap();
    let misspelt = file.replacen("\"withdrawal\"", "\"withdrawl\"", 1);
    let error = decode_file(&misspelt).unwrap_err();
    assert!(
        error.contains("scenario.market") && error.contains("withdrawl"),
        "{error}"
    );
    let price = file.replacen("\"price\": ", "\"price\": \"a\" , \"x\": ", 1);
    let error = decode_file(&price).unwrap_err();
    assert!(error.contains("scenario.market"), "{error}");
    // A field given twice is refused, at its line in the file (the last one was kept).
    let twice = file.replacen("\"seed\": ", "\"seed\": 7,\n    \"seed\": ", 1);
    let error = decode_file(&twice).unwrap_err();
    let line = twice
        .lines()
        .position(|line| line.contains("\"seed\""))
        .unwrap()
        + 2;
    assert!(
        error.contains("duplicate field `seed`") && error.contains(&format!("line {line}")),
        "{error}"
    );
    // So is one of the preset file's own fields.
    let named_twice = file.replacen("\"name\": ", "\"name\": \"x\", \"name\": ", 1);
    let error = decode_file(&named_twice).unwrap_err();
    assert!(
        error.starts_with("duplicate field `name` at line 2"),
        "{error}"
    );
}

#[test]
fn bad_files_say_what_was_wrong() {
    assert!(decode_file("").is_err());
    assert!(decode_file("[]").is_err());
    let unknown = decode_file(r#"{"version": 1, "bogus": 3}"#).unwrap_err();
    assert!(unknown.contains("bogus"), "{unknown}");
    let invalid = decode_file(&encode_file(&with_steps(0))).unwrap_err();
    assert!(invalid.contains("run.steps"), "{invalid}");
    // A list where an object goes, in a file or a link (read as the object's fields in order).
    let mut document: serde_json::Value =
        serde_json::from_str(&encode_file(&presets::all()[0].scenario)).unwrap();
    let market = document["market"]
        .as_object()
        .unwrap()
        .values()
        .cloned()
        .collect();
    document["market"] = serde_json::Value::Array(market);
    let listed = document.to_string();
    let error = decode_file(&listed).unwrap_err();
    assert!(error.contains("market: must be a JSON object"), "{error}");
    let error = decode_link(&payload_of(listed.as_bytes())).unwrap_err();
    assert!(error.contains("market: must be a JSON object"), "{error}");
}

#[test]
fn a_query_reads_its_scenario_embed_and_view() {
    let scenario = with_steps(120);
    let page = parse_query(&format!(
        "?embed=1&s={}&view=price,%20map,,oi",
        encode_link(&scenario)
    ));
    assert_eq!(page.scenario, Some(Ok(scenario)));
    assert_eq!(page.preset, None);
    assert!(page.embed);
    assert_eq!(page.view, ["price", "map", "oi"]);
    // The leading `?` is optional; `embed=true` counts, anything else does not.
    assert!(parse_query("embed=true").embed);
    assert!(!parse_query("?embed=0").embed);
    assert_eq!(parse_query(""), PageQuery::default());
    assert_eq!(parse_query("?unknown=1&&view"), PageQuery::default());
    // A system's settings on a link that names no system are said, not dropped.
    let page = parse_query("?shock=-5&cut=0,1");
    assert_eq!(page.page_ignored.len(), 2, "{:?}", page.page_ignored);
    assert!(page.page_ignored[0].starts_with("shock=-5: it sets a system of markets"));
    assert!(page.page_ignored[1].starts_with("cut=0,1: "));
    assert!(parse_query("?system=two-venues-one-asset&shock=-5")
        .page_ignored
        .is_empty());
}

#[test]
fn a_link_wins_over_a_preset_in_either_order() {
    let preset = presets::all().into_iter().nth(2).unwrap();
    let linked = with_steps(90);
    let link = encode_link(&linked);
    for query in [
        format!("?preset={}&s={link}", preset.name),
        format!("?s={link}&preset={}", preset.name),
    ] {
        let page = parse_query(&query);
        assert_eq!(page.scenario, Some(Ok(linked.clone())), "{query}");
        assert_eq!(page.preset.as_deref(), Some(preset.name.as_str()));
    }
    let alone = parse_query(&format!("?preset={}", preset.name));
    assert_eq!(alone.scenario, Some(Ok(preset.scenario)));
}

#[test]
fn an_unknown_preset_lists_the_known_ones() {
    let page = parse_query("?preset=nope");
    let error = page.scenario.unwrap().unwrap_err();
    assert!(error.contains("\"nope\""), "{error}");
    for preset in presets::all() {
        assert!(error.contains(&preset.name), "{error}");
    }
    for system in presets::systems() {
        assert!(error.contains(&system.name), "{error}");
    }
    assert_eq!(page.preset, None);
    // A slip of a character or two names the nearest.
    let page = parse_query("?preset=btc-2025-1010");
    let error = page.scenario.unwrap().unwrap_err();
    assert!(
        error.contains("did you mean \"btc-2025-10-10\"?"),
        "{error}"
    );
}

#[test]
fn a_systems_name_as_a_preset_opens_that_system() {
    // `flushlab presets` lists the systems beside the presets, so a reader may write either.
    for system in presets::systems() {
        let page = parse_query(&format!("?preset={}", system.name));
        assert_eq!(page.scenario, None, "{}", system.name);
        assert_eq!(page.preset, None);
        let choice = page.markets.expect("a system").expect("known");
        assert_eq!(choice.preset, system.name);
    }
    // An explicit system= wins, before or after.
    let [first, second, ..] = &presets::systems()[..] else {
        panic!("two systems at least");
    };
    for query in [
        format!("?system={}&preset={}", first.name, second.name),
        format!("?preset={}&system={}", second.name, first.name),
    ] {
        let page = parse_query(&query);
        assert_eq!(page.markets.unwrap().unwrap().preset, first.name, "{query}");
    }
}

/// The default scenario with `count` listed positions of varied sizes, entries and leverage
/// (varied so deflate cannot pack them small).
fn listed(count: usize) -> Scenario {
    let mut scenario = presets::default_scenario();
    let price = scenario.market.price;
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut draw = move || {
        // xorshift64: reproducible noise, no dependency.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    scenario.positions = flushlab_engine::scenario::Positions::List(
        (0..count)
            .map(|i| flushlab_engine::scenario::PositionSpec {
                side: if i % 3 == 0 {
                    flushlab_engine::scenario::Side::Short
                } else {
                    flushlab_engine::scenario::Side::Long
                },
                notional_usd: 1_000.0 + 1_000_000.0 * draw(),
                entry: price * (0.97 + 0.06 * draw()),
                leverage: 2.0 + 17.0 * draw(),
            })
            .collect(),
    );
    scenario
}

#[test]
fn a_link_the_app_writes_always_reopens_to_the_same_scenario() {
    for preset in presets::all() {
        let payload = link_payload(&preset.scenario).unwrap();
        assert_eq!(decode_link(&payload), Ok(preset.scenario), "{payload}");
    }
    let small = listed(200);
    assert_eq!(decode_link(&link_payload(&small).unwrap()), Ok(small));
}

#[test]
fn a_scenario_too_large_for_a_link_says_so_and_offers_the_file() {
    let large = listed(6_000);
    assert!(large.validate().is_ok());
    // The plain encoder would write a link the reader refuses.
    assert!(decode_link(&encode_link(&large)).is_err());
    let error = link_payload(&large).unwrap_err();
    assert!(error.link_chars > MAX_LINK_CHARS, "{error:?}");
    let message = error.to_string();
    assert!(message.contains("too large for a link"), "{message}");
    assert!(message.contains("65,536"), "{message}");
    assert!(message.contains("Export JSON"), "{message}");
    // A file carries it whole.
    assert_eq!(decode_file(&encode_file(&large)), Ok(large.clone()));
    // The address bar's payload is the same, or none.
    assert_eq!(address_payload(&large), None);
    let small = listed(200);
    assert_eq!(address_payload(&small), link_payload(&small).ok());
    assert!(address_payload(&small).is_some());
}

#[test]
fn a_scenario_whose_json_is_past_the_limit_is_measured_not_compressed() {
    let heavy = listed(20_000);
    let bytes = serde_json::to_string(&heavy).unwrap().len();
    assert!(bytes > MAX_LINK_JSON_BYTES, "{bytes}");
    let error = link_payload(&heavy).unwrap_err();
    assert_eq!(error.json_bytes, bytes);
    let message = error.to_string();
    assert!(message.contains("too large for a link"), "{message}");
    assert!(
        message.contains(&crate::format::thousands(&bytes.to_string())),
        "{message}"
    );
    assert!(message.contains("1,048,576"), "{message}");
    assert_eq!(address_payload(&heavy), None);
}

/// A reload or a shared link opens the page as it was: the preset the scenario was chosen as
/// (edited since or not), the tab, the Options tab's call; no name that is not a preset's.
#[test]
fn a_link_carries_the_preset_the_tab_and_the_call() {
    use crate::state::Tab;
    let preset = presets::find("thin-book").expect("a preset");
    let call = OptionSpec {
        strike_pct: 120.0,
        ..OptionSpec::default()
    };
    let view = PageView::of("thin-book", Tab::Cycles, &call);
    let payload = link_payload(&preset.scenario).unwrap();
    let written = with_page_view(page_query(false, &[], &[], Some(&payload)), &view);
    let back = parse_query(&written);
    assert_eq!(back.scenario, Some(Ok(preset.scenario.clone())));
    assert_eq!(back.preset.as_deref(), Some("thin-book"));
    assert_eq!(back.tab, Some(Tab::Cycles));
    assert_eq!(back.call, Some(call));
    assert!(back.page_ignored.is_empty());
    // The defaults add nothing; the Markets tab is `system=`'s; a name no preset has is not
    // carried.
    let plain = PageView::of("", Tab::Flush, &OptionSpec::default());
    assert_eq!(with_page_view("s=x".into(), &plain), "s=x");
    let unknown = PageView::of("no-such-preset", Tab::Markets, &OptionSpec::default());
    assert_eq!(with_page_view("s=x".into(), &unknown), "s=x");
    // An edited preset is named beside its scenario, and read back as both.
    let mut edited = preset.scenario.clone();
    edited.run.steps += 1;
    let payload = link_payload(&edited).unwrap();
    let written = with_page_view(
        page_query(false, &[], &[], Some(&payload)),
        &PageView::of("thin-book", Tab::Flush, &OptionSpec::default()),
    );
    assert!(written.ends_with("&preset=thin-book"), "{written}");
    let back = parse_query(&written);
    assert_eq!(back.scenario, Some(Ok(edited)));
    assert_eq!(back.preset.as_deref(), Some("thin-book"));
}

#[test]
fn a_links_tab_or_call_it_cannot_use_is_said_and_the_rest_kept() {
    let page = parse_query("preset=thin-book&tab=charts&call=120,60");
    assert_eq!(page.tab, None);
    assert_eq!(page.call, None);
    assert_eq!(page.page_ignored.len(), 2, "{:?}", page.page_ignored);
    assert!(page.page_ignored[0].contains("tab=charts: no such tab"));
    assert!(page.page_ignored[1].contains("expected strike %"));
    let out_of_range = parse_query("call=5,60,30,7");
    assert!(
        out_of_range.page_ignored[0].contains("the strike (%)")
            && !out_of_range.page_ignored[0].contains("strike_pct"),
        "{:?}",
        out_of_range.page_ignored
    );
    // The scenario still comes from the link.
    assert!(matches!(page.scenario, Some(Ok(_))));
    // Four numbers take the default maintenance margin.
    assert_eq!(
        parse_query("call=110,80,14,3").call,
        Some(OptionSpec {
            strike_pct: 110.0,
            implied_vol_pct: 80.0,
            days_to_expiry: 14.0,
            days_held: 3.0,
            ..OptionSpec::default()
        })
    );
}

#[test]
fn the_address_bar_query_escapes_views_and_reads_back_the_same_page() {
    let scenario = with_steps(80);
    let payload = link_payload(&scenario).unwrap();
    let page = parse_query("?embed=1&view=price%23");
    assert_eq!(page.view, ["price#"]);
    let written = page_query(page.embed, &page.view, &page.controls, Some(&payload));
    assert!(!written.contains('#'), "{written}");
    let back = parse_query(&written);
    assert_eq!(back.scenario, Some(Ok(scenario)));
    assert!(back.embed);
    assert_eq!(back.view, ["price#"]);
    // Plain names stay readable; no payload, no `s=`.
    let views = ["price".to_string(), "map".to_string()];
    assert_eq!(page_query(false, &views, &[], None), "view=price,map");
    assert_eq!(page_query(false, &[], &[], None), "");
    let controls = ["shock".to_string(), "leverage".to_string()];
    let written = page_query(true, &views, &controls, None);
    assert_eq!(written, "embed=1&view=price,map&controls=shock,leverage");
    assert_eq!(parse_query(&written).controls, controls);
}

#[test]
fn percent_encoding_round_trips_any_value() {
    for value in [
        "price#", "a b&c=d", "100%", "é,ü", "+", "%41", "", "1.abc-_~",
    ] {
        assert_eq!(percent_decode(&percent_encode(value)), value, "{value}");
    }
    assert_eq!(percent_encode("1.abc-_~"), "1.abc-_~");
    assert_eq!(percent_encode("price#"), "price%23");
}

#[test]
fn repeated_keys_count_once() {
    // A long query of repeated unknown presets reads the presets once and reports the first.
    let repeated = "preset=a&".repeat(10_000);
    assert_eq!(parse_query(&repeated), parse_query("preset=a"));
    let preset = presets::all().into_iter().nth(1).unwrap();
    let page = parse_query(&format!("?preset={}&preset=nope", preset.name));
    assert_eq!(page.scenario, Some(Ok(preset.scenario)));
    let first = with_steps(70);
    let page = parse_query(&format!(
        "?s={}&s={}",
        encode_link(&first),
        encode_link(&with_steps(71))
    ));
    assert_eq!(page.scenario, Some(Ok(first)));
    assert!(parse_query("?fresh=1").fresh);
    let many = format!("?view={}", "price,".repeat(10_000));
    assert_eq!(parse_query(&many).view.len(), MAX_VIEW_NAMES);
}

#[test]
fn percent_escapes_decode_and_malformed_ones_are_kept() {
    assert_eq!(percent_decode("a%2Cb+c"), "a,b c");
    assert_eq!(percent_decode("%2c%2C"), ",,");
    assert_eq!(percent_decode("%C3%A9"), "é");
    assert_eq!(percent_decode("100%"), "100%");
    assert_eq!(percent_decode("%4"), "%4");
    assert_eq!(percent_decode("%41"), "A");
    assert_eq!(percent_decode("%zz"), "%zz");
    assert_eq!(percent_decode("%%41"), "%A");
    assert_eq!(percent_decode("%é"), "%é");
    // A lone escaped byte that is not UTF-8 becomes the replacement character.
    assert_eq!(percent_decode("%FF"), "\u{FFFD}");
}

#[test]
fn a_system_link_names_a_system_preset_and_the_links_cut() {
    use crate::markets::MarketsChoice;
    let choice = MarketsChoice::default().with_cut(0, true);
    let query = with_markets("embed=1&view=markets".to_string(), &choice).unwrap();
    assert_eq!(
        query,
        "embed=1&view=markets&system=two-venues-one-asset&cut=0"
    );
    let page = parse_query(&query);
    assert_eq!(page.markets, Some(Ok(choice)));
    assert_eq!(page.view, vec!["markets".to_string()]);
    // Nothing cut: no `cut=`; a link past the system's links is left out, and said.
    let plain = with_markets(String::new(), &MarketsChoice::default()).unwrap();
    assert_eq!(plain, "system=two-venues-one-asset");
    assert!(parse_query(&plain).markets_ignored.is_empty());
    let past = parse_query("system=two-venues-one-asset&cut=7,x");
    assert_eq!(past.markets, Some(Ok(MarketsChoice::default())));
    assert_eq!(
        past.markets_ignored,
        vec![
            "cut=7: no such link (this system's one link is numbered 0)".to_string(),
            "cut=x: no such link (this system's one link is numbered 0)".to_string(),
        ]
    );
    let unknown = parse_query("?system=nowhere").markets;
    assert!(
        matches!(&unknown, Some(Err(why)) if why.contains("no system called \"nowhere\"") && why.contains("lending-meets-perps")),
        "{unknown:?}"
    );
    // The common shock, when moved, rides along; off the slider's range it is dropped.
    let moved = MarketsChoice {
        shock_pct: Some(-6.5),
        ..MarketsChoice::default()
    };
    let query = with_markets(String::new(), &moved).unwrap();
    assert_eq!(query, "system=two-venues-one-asset&shock=-6.5");
    assert_eq!(parse_query(&query).markets, Some(Ok(moved)));
    let off = parse_query("system=two-venues-one-asset&shock=-400");
    assert_eq!(off.markets, Some(Ok(MarketsChoice::default())));
    assert_eq!(
        off.markets_ignored,
        vec!["shock=-400: outside the common shock's -30% to +30%, so the system's own shock is used".to_string()]
    );
    let text = parse_query("system=two-venues-one-asset&shock=abc");
    assert_eq!(text.markets, Some(Ok(MarketsChoice::default())));
    assert_eq!(
        text.markets_ignored,
        vec!["shock=abc: not a number, so the system's own shock is used".to_string()]
    );
    // "NaN" parses as a float, and is said as what it is.
    assert_eq!(
        parse_query("system=two-venues-one-asset&shock=NaN").markets_ignored,
        vec!["shock=NaN: not a number, so the system's own shock is used".to_string()]
    );
    // A version 1 link without `system=` reads as before.
    assert_eq!(parse_query("preset=calm-market").markets, None);
}

#[test]
fn the_readers_own_system_travels_whole_in_a_link() {
    use crate::markets::MarketsChoice;
    let preset = MarketsChoice::default();
    let mut market = preset.base().market_scenario(1);
    if let flushlab_engine::scenario::Book::Linear { depth_1pct_usd }
    | flushlab_engine::scenario::Book::Power { depth_1pct_usd, .. } = &mut market.market.book
    {
        *depth_1pct_usd *= 0.5;
    }
    let edited = preset
        .with_cut(0, true)
        .with_market(1, &market)
        .expect("a valid edit")
        .expect("a change");
    assert!(edited.shows_own() && edited.is_cut(0));
    let query = with_markets(String::new(), &edited).unwrap();
    assert!(
        query.starts_with("sys=1.") && query.ends_with("&cut=0"),
        "{query}"
    );
    let back = parse_query(&query)
        .markets
        .expect("a system")
        .expect("it reads");
    assert_eq!(back.system(), edited.system());
    assert_eq!(back.origin(), "", "a link's system is the reader's own");
    // A damaged one says so, and names the system.
    let damaged = parse_query("sys=1.AAAA").markets;
    assert!(
        matches!(&damaged, Some(Err(why)) if why.contains("the link's system")),
        "{damaged:?}"
    );
}

#[test]
fn a_system_file_or_system_preset_file_imports_as_a_system() {
    let preset = flushlab_engine::presets::find_system("btc-eth-cross-margin").unwrap();
    let as_preset = serde_json::to_string(&preset).unwrap();
    assert_eq!(
        decode_any_file(&as_preset),
        Ok(Imported::System(Box::new(preset.system.clone())))
    );
    assert_eq!(
        decode_any_file(&preset.system.to_json()),
        Ok(Imported::System(Box::new(preset.system.clone())))
    );
    // A one-market file is still a scenario; the version 1 reader says where a system goes.
    let scenario = flushlab_engine::presets::all().remove(0).scenario;
    assert_eq!(
        decode_any_file(&encode_file(&scenario)),
        Ok(Imported::Scenario(Box::new(scenario)))
    );
    assert!(decode_file(&preset.system.to_json())
        .unwrap_err()
        .contains("Markets tab"));
    // Saved with a byte-order mark (a Windows editor's UTF-8): read as what it holds.
    assert_eq!(
        decode_any_file(&format!("\u{feff}{}", preset.system.to_json())),
        Ok(Imported::System(Box::new(preset.system.clone())))
    );
    // Cut short, a system is still said as a system's problem (it was a version 1 scenario's
    // "unknown field `markets`").
    let json = preset.system.to_json();
    let cut = decode_any_file(&json[..json.len() / 2]).unwrap_err();
    assert!(
        cut.contains("cut short") && !cut.contains("unknown field"),
        "{cut}"
    );
    // A broken system names the field.
    let mut broken = serde_json::to_value(&preset.system).unwrap();
    broken["markets"][1]["market"]["book"]["depth_1pct_usd"] = (-5.0).into();
    let error = decode_any_file(&broken.to_string()).unwrap_err();
    assert!(
        error.contains("markets[1].market.book.depth_1pct_usd"),
        "{error}"
    );
}

/// An empty file, or one that is not a JSON object (text, a picture, a list), is told so in
/// words, not in the JSON reader's ("expected value at line 1 column 1").
#[test]
fn a_file_that_is_not_a_json_object_says_so() {
    assert_eq!(decode_any_file("").unwrap_err(), "the file is empty");
    assert_eq!(decode_any_file(" \n\t").unwrap_err(), "the file is empty");
    for other in ["hello world", "\u{89}PNG....", "[1, 2]", "42"] {
        let error = decode_any_file(other).unwrap_err();
        assert!(
            error.starts_with("the file is not a JSON object"),
            "{other}: {error}"
        );
    }
    // Another program's JSON object (a package.json) is said to be no scenario, not listed
    // field by field; another format version is named.
    for other in [
        r#"{"name": "app", "dependencies": {}}"#,
        // Most have a version of their own.
        r#"{"name": "my-app", "version": "0.3.1", "scripts": {}}"#,
    ] {
        let error = decode_any_file(other).unwrap_err();
        assert!(
            error.starts_with("this is not a FlushLab scenario or system file"),
            "{other}: {error}"
        );
    }
    let error = decode_any_file(r#"{"version": 3, "market": {}}"#).unwrap_err();
    assert!(error.contains("format version 3"), "{error}");
    // One of ours with a wrong field still names it.
    let error = decode_any_file(r#"{"version": 1, "bogus": 3}"#).unwrap_err();
    assert!(error.contains("bogus"), "{error}");
}

/// The worker's plain reading of a link gives the same scenario as the page's, and refuses what
/// the page refuses.
#[test]
fn a_link_read_plainly_is_the_link_read_with_reports() {
    for preset in presets::all() {
        let link = encode_link(&preset.scenario);
        assert_eq!(
            decode_link_plainly(&link),
            decode_link(&link),
            "{}",
            preset.name
        );
    }
    let mut invalid = presets::all()[0].scenario.clone();
    invalid.market.price = -1.0;
    let unreadable = pack(r#"{"version": 1, "market": 3}"#);
    for bad in [
        "",
        "1.",
        "2.abc",
        "1.!!!",
        &encode_link(&invalid),
        &unreadable,
    ] {
        assert!(decode_link(bad).is_err(), "{bad}");
        assert!(decode_link_plainly(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_embeds_address_opens_the_full_app_on_the_same_scenario_preset_and_system() {
    assert_eq!(full_app_query("?embed=1"), "");
    assert_eq!(
        full_app_query("?embed=1&view=price,map&controls=shock&s=1.abc"),
        "s=1.abc"
    );
    assert_eq!(
        full_app_query("embed=1&preset=thin-book&view=map"),
        "preset=thin-book"
    );
    assert_eq!(
        full_app_query("?embed=1&view=markets&system=btc-eth-cross-margin&cut=0&shock=-4"),
        "system=btc-eth-cross-margin&cut=0&shock=-4"
    );
    // Whatever is opened from it reads as the same page without the embed's layout.
    let page = parse_query(&full_app_query("?embed=1&view=map&preset=thin-book"));
    assert!(!page.embed && page.view.is_empty());
    assert_eq!(page.preset.as_deref(), Some("thin-book"));
}

/// A scenario file without "venue" or "run" imports (both are optional) and says which it left
/// to the defaults, and the words for the venue's defaults hold what the engine defaults to: no
/// fee, no fund, no ADL.
#[test]
fn a_file_that_leaves_out_its_venue_says_so() {
    let whole = encode_file(&presets::default_scenario());
    assert!(defaulted_sections(&whole).is_empty());
    let mut fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&whole).unwrap();
    fields.remove("venue");
    fields.remove("run");
    let cut = serde_json::Value::Object(fields).to_string();
    assert!(matches!(decode_any_file(&cut), Ok(Imported::Scenario(_))));
    assert_eq!(defaulted_sections(&cut), [Defaulted::Venue, Defaulted::Run]);
    let lines = crate::components::share::defaulted_lines(&cut);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("maintenance margin 0.5%"), "{}", lines[0]);
    assert!(lines[1].contains("200 steps of 1"), "{}", lines[1]);
    let venue = flushlab_engine::scenario::Venue::default();
    assert_eq!(venue.liquidation_fee, 0.0);
    assert_eq!(venue.insurance_fund_usd, 0.0);
    assert_eq!(venue.adl, flushlab_engine::scenario::Adl::Off);
    // A preset's own file and a file that is not a scenario have nothing left out to say.
    assert!(defaulted_sections("{\"name\": \"x\", \"scenario\": {}}").is_empty());
    assert!(defaulted_sections("[1, 2]").is_empty());
}
