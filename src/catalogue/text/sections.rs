//! The shape of a language: [`Text`] and its sections, one `&'static str` per text. The macro
//! writes each section's struct and [`Text::entries`], the list the tests walk to check that a
//! language is complete. Placeholders a template takes are in its field's doc.

use crate::format::Locale;

macro_rules! sections {
    ($( $(#[$section_doc:meta])* $section:ident: $Section:ident {
        $( $(#[$field_doc:meta])* $field:ident, )*
    } )*) => {
        /// Every text of the page, by section, and how the language writes numbers.
        pub struct Text {
            /// Decimal and grouping separators, currency, magnitudes, units of time, dates.
            pub number: Locale,
            /// The presets' titles, stories and assumptions in this language, by preset name;
            /// empty for English, whose words are the preset files' own.
            pub presets: &'static [PresetWords],
            $( $(#[$section_doc])* pub $section: $Section, )*
        }

        $(
            $(#[$section_doc])*
            pub struct $Section {
                $( $(#[$field_doc])* pub $field: &'static str, )*
            }
        )*

        impl Text {
            /// Every text as ("section.field", text), in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$($(
                    (concat!(stringify!($section), ".", stringify!($field)), self.$section.$field),
                )*)*]
            }
        }
    };
}

/// One preset's words in a language other than the preset files' English.
pub struct PresetWords {
    /// The preset's `name` (its id, never shown).
    pub name: &'static str,
    pub title: &'static str,
    pub story: &'static str,
    pub assumptions: &'static [&'static str],
}

sections! {
    /// The page around the panels: header, tabs, footer, theme, embed.
    page: Page {
        skip_link, lede, footer, controls_label, more_controls, views_label, tab_flush, tab_cycles,
        tab_options, tab_venues, tab_markets,
        /// `{theme}`: [`Page::light`] or [`Page::dark`].
        switch_theme, light, dark, light_button, dark_button, open_full,
        /// An embed's button over a scrolled box that hides more below.
        more_below,
        /// The embed snippet's iframe title.
        embed_frame_title,
    }
    /// Panel titles, their "?" topics and help, and the notes inside panels.
    panels: Panels {
        scenario, custom,
        /// `{date}`, `{title}`: a historical preset in the menu.
        preset_dated,
        own_scenario,
        /// In place of a preset's story while a bet on it is open (the story says how far the
        /// price fell).
        story_after_bet,
        /// After a preset's name in the menu once its scenario was changed.
        edited,
        /// Under a preset's story once its scenario was changed.
        edited_note,
        /// `{step}`, `{title}`: the menu's entry for the tour's example of a step.
        tour_example,
        /// `{step}`, `{title}`: the story's place, for the tour's example of a step.
        tour_example_story,
        /// `{term}`: the menu's entry for a glossary term's example.
        term_example,
        /// `{term}`: the story's place, for a glossary term's example.
        term_example_story,
        reset, reset_title, thought_experiment, assumptions,
        leverage, leverage_topic, leverage_help, leverage_listed, open_interest,
        /// `{longs}`, `{shorts}`: amounts.
        open_interest_split, leverage_bars,
        /// `{label}`: a bucket such as "10x".
        leverage_bar,
        /// `{amount}`, `{label}`.
        leverage_bar_value,
        /// The picked bar's typed box and slider (a small bar is a few pixels tall on a phone),
        /// its "?" help, and `{label}`: which bar is picked.
        picked_bar, picked_bar_help, picked_bar_note,
        shock, shock_topic, shock_help, market, market_topic, market_help, market_ladder, venue,
        venue_topic, venue_help, venue_tiered, traders, traders_topic, traders_help,
    }
    /// Each control's label and "?" help (`<id>` and `<id>_help`), and the options of selects.
    controls: Controls {
        long_share, long_share_help, shock_compact, shock_compact_help, shock_size,
        shock_size_help, shock_kind, shock_kind_help, shock_instant, shock_sell, shock_ramp,
        shock_duration, shock_duration_help,
        /// `{time}`: the ramp's duration in minutes or hours, under its box of seconds.
        shock_duration_reads, shock_path,
        /// `{usd}`: the market order's notional.
        shock_sold,
        /// `{usd}`.
        shock_bought, depth, depth_help, book_shape, book_shape_help,
        shape_linear, shape_sqrt, shape_power, shape_levels, book_exponent, book_exponent_help,
        resilient, resilient_help, half_life, half_life_help, withdrawal, withdrawal_help,
        withdrawal_floor, withdrawal_floor_help, maintenance_margin, maintenance_margin_help,
        margin_at_entry, margin_at_entry_help, fee_in_trigger, fee_in_trigger_help, liquidation_fee, liquidation_fee_help, insurance_fund, insurance_fund_help,
        partial_liquidation, partial_liquidation_help, throughput_cap, throughput_cap_help,
        cap_per_step, cap_per_step_help, adl, adl_help, adl_off, adl_queue, adl_pro_rata,
        adl_ranking, adl_ranking_help, ranking_pnl_leverage, ranking_pnl_margin_ratio,
        ranking_price_leverage, adl_first, adl_first_help,
        circuit_breaker, circuit_breaker_help, breaker_move, breaker_move_help, breaker_window,
        breaker_window_help, breaker_halt, breaker_halt_help, mark_smoothing, mark_smoothing_help,
        top_up, top_up_help, delever, delever_help, stop_losses, stop_losses_help, stop_distance,
        stop_distance_help, dip_buyers, dip_buyers_help, predators,
        predators_help, cppi, cppi_help, cppi_multiplier, cppi_multiplier_help, cppi_floor,
        cppi_floor_help, option_dealers, option_dealers_help, profile, profile_help,
        profile_custom, build_up, build_up_help, funding_premium, funding_premium_help,
        option_strike, option_strike_help, option_vol, option_vol_help, option_expiry,
        option_expiry_help, option_held, option_held_help, option_maintenance,
        option_maintenance_help, leverage_control, leverage_control_help,
        liquidation_band, liquidation_band_help, block_limits, block_limits_help,
        control_fund, control_fund_help, control_volatility, control_volatility_help,
        control_multiplier, control_multiplier_help,
        /// `{topic}`: the control's label or the panel's topic.
        what_is,
        /// Before the glossary link in an opened "?".
        in_the_glossary,
        /// `{label}` (the control's label).
        slider,
        unit_steps, unit_per_pct, unit_days, unit_day,
    }
    /// Chart titles and captions, and what sits beside the charts.
    charts: Charts {
        price, price_caption,
        /// The price chart's caption with an instant shock, with no shock, and with a market sell
        /// (`charts::caption`).
        price_caption_instant, price_caption_no_shock, price_caption_sell,
        liquidations, liquidations_caption, map, map_caption, oi,
        oi_caption,
        /// The open interest's caption with no shock.
        oi_caption_no_shock,
        fund, fund_caption, funding, funding_caption,
        /// The build-up's caption with no shock.
        funding_caption_no_shock,
        amplification, amplification_caption,
        /// Added to the amplification caption on a coin-margined contract.
        /// Under the price chart with portfolio insurers or option dealers.
        price_rule_traders,
        /// Under the liquidations chart when it draws traders' or algorithms' net flows.
        liquidations_flows,
        amplification_inverse, phase,
        phase_caption, phase_against, phase_leverage, phase_depth, phase_progress,
        /// `{done}`, `{total}`: counts.
        computing, phase_no_depth, cycles_intro, cycles_progress,
        /// `{what}`: a list of mechanisms.
        cycles_leave_out,
        cycles_out_build_up, cycles_out_top_up, cycles_out_delever, cycles_out_stop_losses,
        cycles_out_dip_buyers,
        cycles_out_predators, cycles_out_cppi, cycles_out_dealers,
        /// `{with}`, `{without}`: excess kurtosis; `{skew}`; `{worst}`, `{best}`: the worst and
        /// the best day, percent (a short-heavy crowd's squeezes show in the best).
        cycles_stats,
        /// Added to [`Charts::cycles_stats`]: `{per_year}`, days a year that fall 12% or more,
        /// against BTC's record.
        cycles_falls,
        /// `{sample}` of [`Charts::cycles_stats`]: the figures' returns are the charts' own, or
        /// (`{paths}`, `{drawn}`) every path's, of which the charts draw some.
        cycles_sample_all, cycles_sample_some,
        /// Added to [`Charts::cycles_stats`] for a crowd that rarely cascades.
        cycles_stats_few,
        /// Added to [`Charts::cycles_stats`] for a crowd liquidated often into a book too deep
        /// for its cascades to show: {per_day}, {positions}, {walk}.
        cycles_stats_deep,
        /// The crowd the days run where the scenario states one for the years around its
        /// flush: {stated}, {own} (mean leverages).
        cycles_crowd,
        /// After [`Charts::cycles_unrealistic_end`] where the scenario states no crowd for the
        /// years around its flush: `{own}`, its own crowd's mean leverage.
        cycles_own_crowd,
        cycles_unrealistic,
        cycles_unrealistic_end, fan, fan_caption, returns, returns_caption, qq, qq_caption,
        tails, tails_caption, options_returns, options_returns_caption, options_decay,
        options_decay_caption,
        /// The options tab's sentence: `options_intro` (`{strike}`, `{days}`, `{vol}`,
        /// `{premium}`, `{leverage}`), then `options_perp` (`{leverage}`, `{liquidation}`
        /// linear, `{inverse}` coin-margined, `{maintenance}`) or `options_no_perp` (`{leverage}`,
        /// `{maintenance}`, `{cap}`), then `options_held` (`{held}`, `{kept}`; `options_held_whole` when it keeps
        /// nearly all) or, held no
        /// time, `options_now`, and `options_odds` (`{held}`, `{vol}`, `{ends}`, `{touches}`)
        /// when a perpetual opens and the call is held; `options_under` (`{pct}`): a premium or
        /// a chance too small to write.
        options_intro, options_perp, options_no_perp, options_held, options_held_whole, options_now, options_odds,
        options_under, venues_price, venues_price_caption, venues_intro, venues_inverse, venues_as_set,
        venues_venue, venues_trough, venues_move, venues_liquidated, venues_adl, venues_bad_debt, venues_fund,
        /// `{done}`, `{total}`: runs.
        venues_progress,
        markets_price, markets_price_caption, markets_intro, markets_intro_summary, markets_system,
        /// `{title}`: the system preset built on the page's preset.
        markets_suggested,
        markets_running,
        /// The Markets headline of a system held over the page's budget (a "Run it" follows).
        markets_held,
        markets_counting, markets_step, markets_edit,
        /// `{market}`: the market picked in the diagram; a phone's way down to its controls.
        markets_edit_link,
        markets_edit_help, markets_own_imported,
        /// `{preset}`: the system preset's name.
        markets_own_edited,
        markets_back, markets_own_option, markets_capital, markets_capital_help, markets_beta,
        markets_threshold, markets_threshold_help, markets_latency, markets_latency_help,
        markets_latency_unit,
        /// [`Charts::markets_latency_unit`] after a 1 ("1 steps").
        markets_latency_unit_one,
        markets_depeg, markets_depeg_help, markets_ltv, markets_ltv_help,
        /// `{ltv_max}`: the highest loan-to-value a generated pool's loans open at, a percentage.
        markets_ltv_under_loans,
        markets_oracle_delay, markets_oracle_delay_help, markets_index, markets_index_help,
        /// Under a cut link's settings, greyed while it is cut.
        markets_link_cut_note,
        markets_beta_help,
        /// `{market}`: the market's id.
        markets_select_market,
        /// `{shock}`: unsigned percent, `{shock_word}`: drop or rise; `{moves}`: each market's largest move, listed, and where
        /// (`markets_at_trough`...); `{usd}`; `{markets}`: `markets_one` or `markets_many`;
        /// `{shares}`: " (X by 2x)" for markets the shock hits by a share other than its whole,
        /// else empty; `{more}`: [`Charts::markets_more`] when accounts or loans were forced to
        /// sell (what the markets' own crowds lost leaves them out), else empty.
        markets_headline,
        /// A system of one market, as the headline counts it.
        markets_one,
        /// `{list}`: `markets_more_accounts` and/or `markets_more_loans` (`{usd}` each).
        markets_more, markets_more_accounts, markets_more_loans,
        /// `{count}`: markets.
        markets_many,
        /// `{count}`: markets; `{market}`: the one of them that liquidated anything ("$734M
        /// liquidated across 2 markets" read as two markets liquidating).
        markets_all_on,
        /// `{market}`, `{pct}`: a percentage (its fall, or its rise after a squeeze).
        markets_headline_fell,
        markets_headline_rose,
        /// `{market}`: a market whose move rounds to nothing.
        markets_headline_still,
        /// No shock (one too small to write): `{moves}`, `{usd}`, `{count}`.
        markets_headline_none,
        /// After the moves listed: all falls, all rises, or both.
        markets_at_trough, markets_at_peak, markets_at_extremes,
        /// `{market}`: the market the shock hits; the rest as `markets_headline`.
        markets_headline_one,
        /// `{time}`: a moment of the run with its unit ("at 40 min").
        markets_at,
        /// `{link}`: the link's name.
        markets_cut,
        markets_diagram,
        /// `{count}`: markets.
        markets_diagram_label,
        /// `{usd}`.
        markets_liquidated_so_far,
        /// `{usd}`: a wide box says whose liquidations these are (a lending pool's are its loans).
        markets_liquidated_positions,
        markets_adl_so_far,
        markets_liquidated_short,
        markets_adl_short,
        /// `{move}`: a signed percentage (the trough so far, or the peak after a squeeze).
        markets_trough_so_far,
        markets_peak_so_far,
        /// Before a market's move at the step slider's time, in its box.
        markets_now,
        /// Over a market's box before its trough, for the whole run ("trough -16.9%").
        markets_trough,
        markets_peak,
        /// Under it: where the run ended ("at the end -7.8%").
        markets_at_end,
        /// The same in a narrow box (three markets or more on a phone).
        markets_trough_short,
        markets_peak_short,
        markets_at_end_short,
        /// `{usd}`.
        markets_flow_arbitrage,
        /// `{link}`.
        markets_flow_cut,
        /// `{liquidated}`, `{of}`, `{usd}` (the flow's name is on the line above); `{in_all}` and
        /// `{so_far}`: [`Charts::markets_flow_in_all`] and `_so_far` with the step slider before
        /// the run's end (the counts are the whole run's, the dollars up to the step), else empty.
        markets_flow_accounts,
        /// With `{deleveraged}`: accounts closed by auto-deleveraging.
        markets_flow_accounts_adl,
        /// The same, shorter, in a phone's diagram (380 units across).
        markets_flow_accounts_adl_short,
        /// `{liquidated}`, `{of}`, `{usd}`, `{in_all}`, `{so_far}`.
        markets_flow_lending, markets_flow_in_all, markets_flow_so_far,
        markets_market, markets_move_alone, markets_move_linked, markets_liquidated_alone,
        markets_liquidated_linked, markets_from_links,
        /// The "links on" columns' heads with a link cut: the run is the system as set.
        markets_move_as_set, markets_liquidated_as_set, markets_from_links_as_set,
        /// The "links on" columns' heads for a system without arbitrage links (one run).
        markets_move, markets_liquidated,
        markets_from_here, markets_from_elsewhere,
        markets_from_collateral, markets_from_lending, markets_table,
        /// The contagion table's last row's head: every market summed.
        markets_total,
        markets_table_note,
        markets_no_links, markets_shock,
        /// `{markets}`: the markets the common shock hits, when not all.
        markets_shock_reach,
        /// `{amount}`, `{order}` ([`Charts::markets_order_sell`] or `_buy`), `{markets}`,
        /// `{shock}`: [`Charts::markets_shock_reach`] for a market order.
        markets_sell_reach, markets_order_sell, markets_order_buy,
        /// `{shares}`: the markets the common shock hits by a share other than 1, each as
        /// `markets_shock_share` (`{market}`, `{share}`); `_all` when no market takes it whole.
        markets_shock_shares, markets_shock_shares_all, markets_shock_share,
        markets_shock_help,
        png,
        /// `{title}`: the chart's title.
        png_label,
    }
    /// The text inside the plots (`src/charts/*.rs`): plot titles, axis titles, trace and legend
    /// names, annotations and hover templates. Plotly's own `%{x}` placeholders in a hover
    /// template are not [`fill`](super::fill)'s: they stay as they are in every language.
    plots: Plots {
        /// A time axis in seconds, minutes or hours (`charts::TimeScale`).
        time_s, time_min, time_h,
        /// The same, for a run that names the time of day it starts at (`run.start_utc`):
        /// `{clock}`, "20:50".
        time_s_from, time_min_from, time_h_from,
        price_usd, shock_up, shock_down, final_move_pct_of_start,
        /// The size unit of linear contracts.
        usd_at_entry,
        /// The unit of linear contracts' liquidations (at the prices closed at).
        usd_at_fill,
        /// The size unit of inverse contracts.
        contracts,
        price_title, last_price, mark_price, shock_alone,
        /// `{shock}`: a signed percentage.
        shock,
        halted,
        /// `{step}`: the run's step, e.g. "10 s".
        liquidations_title,
        longs_liquidated, shorts_liquidated, cppi_sold, dealers_sold, stops_sold,
        algorithms_sold, funding_title,
        /// The build-up chart's title and time axis with no shock.
        funding_title_no_shock,
        hours_to_shock, hours_to_start, long_open, short_open, funding_rate,
        /// Plotly's hover template: keep `%{y:.3f}`, `%{text}` and `<extra></extra>`; `{name}`:
        /// [`Plots::funding_rate`].
        funding_rate_hover,
        /// `{unit}`: [`Plots::usd_at_entry`] or [`Plots::contracts`].
        open_interest_in,
        options_returns_title, price_move_pct, return_on_money_pct, call_long,
        /// `{leverage}`: the call's effective leverage.
        perp_long,
        options_decay_title, days_since_purchase, value_pct_of_premium, call_value,
        call_leverage, effective_leverage, venues_price_title,
        /// `{name}`, `{other}`: a venue whose line lies on an earlier one's, in the legend.
        venues_same_line,
        markets_price_title,
        move_from_start_pct,
        map_title, start,
        /// `{price}`.
        flush_reached, squeeze_reached,
        /// `{time}`: seconds.
        mark_at,
        /// `{unit}`.
        would_be_liquidated,
        oi_title, leverage_bucket, longs_before, shorts_before, after,
        /// `{time}`: seconds.
        at_time,
        /// `{when}`: [`Plots::after`] or [`Plots::at_time`].
        longs_when,
        /// `{when}`.
        shorts_when,
        /// `{unit}`.
        open_interest,
        fund_title, insurance_fund, adl_total, bad_debt_total,
        /// `{start}`, `{end}`: amounts.
        /// `{start}`, `{end}`, `{change}` (signed: "+$1.46M", "-$373k").
        fund_too_small, fund_change_too_small,
        /// The same for a fund whose highest or lowest lay well past both ends (it rose on the
        /// way and gave it back): also `{extreme}`, the farthest it went.
        fund_change_too_small_on_the_way,
        /// `{amount}`: the fund's highest ([`Plots::fund_change_too_small_on_the_way`]'s
        /// `{extreme}`), or its lowest, as a change from its start ("+$10.6M").
        fund_up_to, fund_down_to,
        amplification_title,
        /// `{done}`, `{total}`: counts.
        amplification_computing,
        amplification_not_computed, with_leverage, at_1x, this_run,
        /// `{shock}`: a signed percentage.
        tipping_point,
        /// `{flush_word}`: flush, or squeeze for a rising shock.
        no_tipping_point,
        /// `{move}`: a percentage.
        no_shock_needed,
        /// `{shock}`: a signed percentage; `{amplification}`: a factor.
        tipping_at_most,
        /// `{shock}`: a signed percentage.
        steepest_step,
        /// `{problem}`: why (the engine's message).
        not_computed,
        phase_title, phase_title_depth,
        /// `{done}`, `{total}`: counts.
        phase_computing,
        phase_not_available, depth_within_1pct, mean_leverage, final_move, final_move_pct,
        /// Plotly's hover template: keep `%{x:.0f}`, `%{z:.1f}` and `<extra></extra>`; `{row}`:
        /// [`Plots::phase_row_leverage`] or [`Plots::phase_row_depth`].
        phase_hover,
        /// The row's value in a hover: keep `%{y:.1f}` / `%{y:.3s}`.
        phase_row_leverage, phase_row_depth,
        this_scenario,
        /// `{move}`: the run's largest move, a percentage (the "this scenario" mark's hover).
        phase_here_run,
        fan_title, day, p05, p05_p95, p25, p25_p75, p75, p95, median,
        /// The news alone's fan edges: its legend entry, and each edge's name in hovers.
        news_alone_p05_p95, news_alone_p05, news_alone_p95,
        returns_title, daily_log_return,
        density, news_alone, with_cascades, qq_title, normal, normal_quantile, return_quantile,
        tails_title, price_impact, excess_kurtosis,
    }
    /// Banners, held runs and offers: what was wrong and what was kept.
    notices: Notices {
        dismiss, dismiss_all, typed_not_applied, view_unknown_title,
        /// `{names}`: the unknown names; `{known}`: the embed's chart names.
        view_unknown,
        /// `{names}`, `{known}`: `controls=` names an embed does not have.
        controls_unknown_title, controls_unknown,
        /// `{label}`, `{typed}`, `{min}`, `{max}`, `{unit}`, `{kept}`.
        out_of_range,
        /// `{label}`, `{quoted}` (what was typed, in quotes), `{kept}`, `{unit}`.
        not_a_number,
        /// `{label}`, `{kept}`, `{unit}`.
        empty_box,
        /// `{label}`, `{typed}`, `{kept}`, `{unit}`: a number too small for the page to hold
        /// ("1e-400"), which it would read as 0.
        too_small,
        /// The same in a box that does not take 0: also `{min}`, `{max}`.
        too_small_no_zero,
        /// Under a percent box that applied a fraction of 1 ("0.6" is 0.6%): `{typed}`,
        /// `{scaled}` (the fraction as a percentage, "60").
        fraction_taken,
        /// After a refusal of a fraction of 1 whose percentage the box takes: `{scaled}`.
        fraction_refused,
        link_failed,
        /// `{title}`: the preset's title.
        link_failed_preset,
        system_link_failed, system_link_partly,
        /// A link's `tab=` or `call=` the page could not use (its lines say which and why).
        link_partly,
        autosave_failed, own_failed, own_system_dropped, not_autosaved, autosave_kept, held, run_it,
        /// `{seconds}`: the page's budget.
        held_why,
        /// `{seconds}`: the time it was given.
        run_stopped,
        /// `{message}`: the engine's panic message.
        run_crashed,
        /// `{when}`: a date and time.
        autosave_offer,
        autosave_offer_undated,
        /// `{what}`: the scenario ([`Notices::other_tab_edited`], [`Notices::other_tab_custom`]
        /// or a preset's title); `{when}`: a date and time.
        other_tab_offer,
        /// `{what}`: as in [`Notices::other_tab_offer`], for a damaged time.
        other_tab_offer_undated,
        /// `{title}`: the preset's title.
        other_tab_edited,
        other_tab_custom,
        other_tab_not_kept,
        restore,
        /// The reader's own page, kept when the tour or a glossary example replaced it.
        own_kept, back_to_own,
        /// `{from}`: [`Notices::from_link`] or [`Notices::from_autosave`].
        run_again_offer,
        from_link, from_autosave, run_again, keep_default,
        /// `{name}`: the file's name.
        not_imported,
        /// `{name}`: the file's name; imported, with sections it left to the defaults.
        imported_with_defaults,
        /// `{margin}`: the default maintenance margin ("0.5%").
        defaulted_venue,
        /// `{steps}`, `{step}`: the default run ("200", "1 s").
        defaulted_run,
        /// `{size}`, `{most}`: megabytes.
        file_too_large,
        unreadable_file, empty_file, not_json, not_a_scenario_file,
        /// `{version}`: the file's format version.
        other_version,
        invalid_settings, held_previous,
        held_nothing,
        /// `{what}`: [`Notices::link_too_long`] or [`Notices::link_too_heavy`].
        too_large_for_link,
        /// `{chars}`, `{most}`.
        link_too_long,
        /// `{bytes}`, `{most}`.
        link_too_heavy,
    }
    /// The toolbar: share, export, embed, undo, playback, the explainer's buttons.
    toolbar: Toolbar {
        share_label, copy_link, embed, import_json, export_json, export_csv, link_copied, close,
        embed_title, embed_intro, embed_charts,
        /// On the Markets tab, in place of the charts to pick.
        embed_markets,
        /// A Markets embed's checkbox: the menu of systems in the embed (`controls=preset`).
        embed_systems_menu,
        /// `{tab}`: a tab no embed shows (its name as the tab strip writes it).
        embed_other_tab,
        snippet, copy_snippet,
        /// Said once the snippet is on the clipboard (it said nothing).
        snippet_copied,
        /// Said when the browser did not let the page copy it.
        snippet_not_copied,
        edit_label, undo,
        undo_title, redo, redo_title, start_fresh, start_fresh_title, playback_label, play, pause,
        play_label, pause_label, step, step_label, scrub_label,
        /// `{step}`, `{steps}`.
        cursor, whole_run, speed, show_whole_run, take_tour, glossary,
    }
    /// The tour's card and the glossary's dialog.
    explainer: Explainer {
        tour_label,
        /// `{step}`, `{steps}`.
        tour_progress,
        tour_leave, look_at,
        /// Before the run's headline, in the tour's card pinned over a chart.
        this_run,
        see_chart,
        /// The button back up from the chart to the tour's step, or to the "show me" note.
        back_to_step, back_to_note,
        back, next, finish, showing_label,
        /// `{term}`.
        showing, back_to_glossary, glossary_title, find_term,
        /// Before the terms a newcomer reads first, in order.
        start_here,
        /// `{typed}`: what was searched for.
        no_term,
        related, show_me, not_yet,
        /// `{term}`.
        term_link,
        /// `{text}` (the link's own words, first, as WCAG 2.5.3 asks), `{term}`.
        term_link_as,
    }
    /// Place your bet.
    bet: Bet {
        toggle, toggle_title, guess_up, guess_down, reveal, hint,
        /// The hint where the scenario has traders who sell on their own (2024-08-05's
        /// stop-losses sold six times what was liquidated).
        hint_with_traders,
        again,
        /// `{guess}`, `{went}`, `{actual}`, `{how_far}`, `{why}`.
        verdict,
        rose, fell, forced_buying, forced_selling, spot_on,
        /// `{points}`.
        further,
        /// `{points}`.
        less_far,
        /// `{shock}`.
        nothing_liquidated,
        /// `{shock}`, `{forced}`, `{amount}`, `{who}`, `{points}`, `{amplification}`.
        cascade,
        /// The same when traders' own selling (de-levering, stop-losses, portfolio insurance,
        /// dealers' hedging) was part of the trading: `{shock}`, `{amount}`, `{who}`, `{points}`,
        /// `{amplification}`.
        cascade_with_traders,
        /// With no shock: `{forced}`, `{amount}`, `{who}`, `{actual}`.
        cascade_no_shock,
    }
    /// The headline sentence and the summary tiles.
    summary: Summary {
        /// `{shock}`, `{shock_word}`, `{extreme}`, `{amplification}`.
        nothing,
        /// `{shock}`, `{shock_word}`, `{extreme}`, `{amplification}`.
        stayed,
        /// `{shock}`, `{shock_word}`, `{extreme}`, `{flush_word}`, `{amplification}`.
        became,
        /// `{shock}`, `{shock_word}`, `{extreme}`, `{went}` ([`Summary::went_down`] or
        /// [`Summary::went_up`]): the price went further the other way than the shock's.
        against,
        went_down, went_up,
        /// `{extreme}`, `{flush_word}`: a run with no shock (a build-up's funding set it off).
        unprompted,
        /// `{extreme}`: a run with no shock that liquidated nothing.
        unprompted_nothing,
        /// `{subject}`: whose price ([`Summary::the_price`] or a market's); `{pct}`: how far it
        /// fell; `{record}`: the deepest recorded fall.
        past_record_fall,
        /// The subject of [`Summary::past_record_fall`] on a one-market run.
        the_price,
        /// `{market_s}`: a market's name in the possessive (`crate::format::possessive`): the
        /// subject of [`Summary::past_record_fall`] on a system's market.
        market_price,
        /// `{subject}`, `{pct}`: how far it rose; `{record}`: the deepest recorded fall.
        past_record_rise,
        /// `{price}`: the book's floor (or ceiling), added to the note past the record.
        at_the_floor, at_the_ceiling,
        /// `{usd}`: what was still queued; `{why}`: [`Summary::queued_by_cap`],
        /// [`Summary::queued_by_blocks`] or [`Summary::queued_by_clips`].
        /// `{time}`: the run's last stretch; `{usd}`: what it liquidated.
        still_going,
        /// `{shock}`: the shock alone's move; `{extra}`: what the forced trades added.
        mostly_shock,
        /// The same when the cascade ran ahead of the ramp on the way: also `{lead}` (points),
        /// `{move}`, `{time}`, `{alone}` as the headline's running-ahead clause.
        mostly_shock_ahead,
        /// Both notes' last sentences, their `{why}`.
        mostly_shock_why,
        still_queued,
        queued_by_cap, queued_by_blocks, queued_by_clips,
        /// `{moved}`, `{amount}`, `{who}`, `{duration}`, `{tail}`.
        headline,
        /// `{moved}`: the headline's start; `{move}`, `{time}`, `{alone}`: where a ramp's cascade
        /// ran furthest ahead of the shock alone, and when.
        ran_ahead,
        /// `{time}`.
        in_time,
        /// `{fund}`: [`Summary::the_fund`] or [`Summary::the_vault`]; `{amount}`.
        fund_paid,
        /// `{fund}`, `{amount}`.
        fund_gained,
        /// The insurance fund, in a sentence.
        the_fund,
        /// The insurance fund on a venue with Hyperliquid's rules, which calls it otherwise.
        the_vault,
        /// `{amount}`.
        adl_closed,
        /// `{amount}`.
        bad_debt_left,
        /// The coin an inverse contract counts money in.
        coin,
        and, list_comma, drop, rise, flush, squeeze, longs, shorts, positions, contracts,
        label, peak, trough, shock_alone, amplification, liquidated,
        /// `{amount}`, `{count}`, `{total}` (the run's positions: the model's sample).
        liquidated_value,
        longs_shorts, fund_left, auto_deleveraged, bad_debt,
        /// `{time}`.
        at_time,
        /// `{price}`, `{amount}`.
        so_far,
        insured,
        /// `{sold}`, `{bought}`: amounts; `{floor}`: [`Summary::floor_kept`] or
        /// [`Summary::below_floor`].
        insured_value,
        /// `{amount}`: what portfolio insurance sold, or bought, net (the headline's tail).
        insured_sold, insured_bought,
        dealers,
        /// `{amount}`: a round amount a side traded less than ("under $1k": a tile's "$4 bought"
        /// beside "$295M sold" read as a slip).
        under_amount,
        /// `{sold}`, `{bought}`: amounts.
        dealers_value,
        /// `{amount}`: what option dealers sold, or bought, hedging, net (the headline's tail).
        dealers_sold, dealers_bought,
        /// `{amount}`: what stop-loss orders sold, net (the headline's tail, and a part of the
        /// traders' tile).
        stops_sold,
        /// The traders' own moves' tile, and its parts (`{amount}` each), joined by
        /// [`Summary::list_comma`]: margin added, size closed by choice, dip buyers' buying.
        traders_moves, traders_topped_up, traders_closed, traders_dip_bought,
        /// `{amount}`, `{stops}`: size closed by choice, and what the stop-losses among those
        /// closes sold (the same trades at their fills).
        traders_closed_stops,
        /// The predators' tile: their profit (a loss shows negative).
        predators,
        floor_kept,
        /// `{amount}`.
        below_floor,
        funding,
        /// `{payers}`: [`Summary::longs`] or [`Summary::shorts`]; `{amount}`, `{hours}`,
        /// `{liquidated}`: the build-up's funding and what it wore through.
        funding_value,
        /// [`Summary::funding_value`] for a run with no shock.
        funding_value_no_shock,
        /// `{payers}`, `{amount}`, `{hours}`: the headline's tail.
        funding_paid,
        /// `{multiplier}`, `{time}`: when the venue's leverage control tightened (the tail).
        tightened,
        /// The tile of what the venue's backstop took over at the mark.
        backstopped,
        /// The amplification tile of a run with no shock.
        no_shock, against_shock,
        /// The readout pinned over a phone's controls: `{pct}` the shock alone's move;
        /// `{amount}` what was liquidated; `{label}`: what it is, for its title.
        readout_shock, readout_liquidated, readout_label,
        /// `{factor}`: the amplification, in the readout.
        readout_amplified,
    }
    /// What is wrong with a scenario, rule by rule (the engine's [`flushlab_engine::Rule`]), as
    /// the error banner and the held notice list it, one problem per line.
    problems: Problems {
        /// `{path}`: the field; `{rule}`: what it breaks.
        line,
        /// `{detail}`: the JSON reader's own words (English).
        unreadable,
        /// `{bytes}`, `{limit}`.
        too_large,
        /// `{expected}`, `{got}`.
        version,
        not_finite,
        /// `{low}`, `{high}`, `{got}`.
        range,
        /// `{low}`, `{high}`, `{got}`: low itself excluded.
        range_open_low,
        /// After a range a field of fractions was given a percent past: `{pct}`, `{fraction}`.
        as_fraction,
        /// `{least}`, `{most}`, `{got}`, `{items}`.
        count,
        /// `{most}`, `{got}`, `{items}`.
        at_most,
        levels, positions, buckets, tiers, shocks, parameters, values, strikes, markets, links, accounts, legs, loans,
        path_points,
        at_start_price, no_bid, no_ask, too_many,
        /// `{least}`.
        two_per_bucket,
        /// `{min}`, `{max}`.
        max_below_min, no_weight,
        /// `{cap}`, `{got}`, `{over}`: a listed position's leverage.
        opens_liquidatable_one,
        /// `{cap}`, `{got}`, `{over}`: a bucket's highest leverage.
        opens_liquidatable_all,
        /// `{cap}`, `{got}`, `{over}`, `{buckets}`: several buckets past the cap, `{got}` the
        /// highest max among them.
        opens_liquidatable_buckets,
        /// What the cap is one over: `{over}` above.
        over_margin, over_margin_and_fee,
        tier_order, tier_bound,
        /// `{at_stake}`, `{unit}`, `{floor}`, `{ceiling}`, `{most}`.
        money_at_stake,
        /// `{work}`, `{time}`, `{budget}`, `{fields}`.
        over_budget,
        work_scenario, work_sweep, work_grid, work_calibration, work_cycles, work_response,
        work_counterfactual,
        /// `{first}`: one or more names joined by [`Problems::list_comma`]; `{last}`.
        either,
        list_comma, the_input,
        /// `{amount}`: a duration of days.
        days,
        long_share_on_list, depth_on_levels,
        /// `{parameter}`.
        same_axes,
        /// `{most}`, `{got}`.
        mean_leverage,
        /// `{rule}`, `{where}`: the grid value's path.
        in_grid_value,
        /// `{beta}`: a market's shock beta; `{rule}`: what its shock breaks.
        by_shock_beta,
        /// `{most}`, `{got}`.
        calibration_positions,
        /// `{min}`, `{max}`.
        bounds_not_finite,
        /// `{min}`, `{max}`.
        min_not_below_max,
        /// `{parameter}`.
        listed_twice,
        /// `{parameter}`, `{value}`, `{problem}`.
        bound_invalidates,
        /// `{most}`, `{got}`, `{fitted}`.
        targets,
        /// `{got}`.
        target_not_finite,
        bound_on_fitted,
        range_without_end,
        /// `{low}`, `{got}`.
        range_end,
        end_without_range,
        /// `{got}`.
        not_positive,
        /// `{figures}`, `{figure}`.
        not_windowed,
        /// `{most}`, `{got}`.
        whole_at_most,
        /// `{depth}`.
        no_depth_for_cycles,
        /// `{most}`, `{got}`.
        path_days,
        /// `{id}`.
        repeated_id,
        /// `{most}`, `{got}`.
        name_length,
        /// `{got}`.
        time_of_day,
        /// `{most}`.
        coin_ticker,
        coin_on_linear,
        /// `{id}`.
        unknown_market,
        /// `{first}`, `{second}`.
        link_across_assets,
        /// `{id}`.
        leg_on_inverse,
        market_in_scenario,
        market_on_shock,
        /// `{parameter}`: a calibration parameter's name.
        fits_absent,
        /// `{figure}`: the figure's name.
        not_a_sum,
        /// `{after}`, `{got}`.
        path_order,
        /// `{got}`.
        path_end,
    }
    /// The leverage monitor's gauges.
    monitor: Monitor {
        label, ratio,
        /// `{open_interest}`, `{collateral}`.
        ratio_note,
        near_liquidation,
        /// `{distance}`.
        within,
        /// `{distance}`.
        within_label,
        /// Under the near-liquidation rows: what their shares are of.
        near_note,
        tipping, tipping_note,
        /// After `tipping_note` when no run is placed beside the tipping point.
        tipping_note_tail,
        tipping_note_none,
        /// `{shock}`, `{moved}`: after [`Monitor::tipping_note_none`] when the move needs no shock
        /// and the run has one.
        tipping_note_no_shock_run,
        tipping_note_at_most,
        /// `{shock}`: a signed percentage.
        tipping_note_steepest,
        /// `{from}`, `{to}`: the 1x curve's moves at the step's two shocks.
        tipping_note_unlevered,
        /// `{share}`: the share of open interest within 1% of liquidation.
        tipping_note_unsteady,
        /// `{shock}`: the run's shock, short of the tipping point's (in place of
        /// `tipping_note_tail`).
        tipping_run_short,
        /// `{shock}`: the run's shock, between the tipping step's two (likewise); `{from}`: the
        /// step's first shock.
        tipping_run_on,
        /// `{shock}`: the run's shock, at or past the tipping point's (likewise).
        tipping_run_past,
        computing,
        /// `{shock}`.
        tipping_at,
        /// `{extent}`: the curve's largest shock, a percentage; `{flush_word}`.
        smooth,
        /// `{move}`: a percentage.
        no_shock_needed,
        /// `{shock}`: a signed percentage; `{move}`: the move it makes, a percentage.
        tipping_at_most,
        not_computed,
    }
    /// What `index.html` shows before the simulator has loaded: the loading line (filled in by
    /// `assets/loading.js`) and the default scenario's price chart drawn at build time
    /// (`first_view`).
    loading: Loading {
        loading,
        /// `{percent}`: how much of the simulator has arrived, 0 to 100.
        progress,
        /// `{reason}`: the browser's error.
        failed,
        /// `{label}`: [`Summary::trough`] or [`Summary::peak`]; `{price}`, `{pct}`.
        extreme,
        /// `{start}`, `{price}`, `{end}`: prices; `{extreme}`: "trough" or "peak"; `{pct}`;
        /// `{time}`: when it was reached.
        chart_summary,
        /// The liquidations chart drawn at build time: `{peak}`: the most liquidated in one
        /// step; `{time}`: when; `{longs}`, `{shorts}`: liquidated in all.
        liquidations_summary,
    }
}
