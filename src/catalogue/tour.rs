//! The guided tour: nine steps from one leveraged position to a flush across markets, each a short
//! paragraph and the scenario the charts animate into. Its claims are checked by running the
//! engine in `tour/oracles.rs`.

#[cfg(test)]
mod oracles;

use super::scenes;
use super::Demo;

/// One step of the tour.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub title: &'static str,
    /// A short paragraph, two to four sentences.
    pub body: &'static str,
    pub demo: Demo,
}

/// The tour's steps, in order (the page's `#tour=1` is the first).
pub fn steps() -> &'static [Step] {
    &STEPS
}

const STEPS: [Step; 9] = [
    Step {
        title: "Leverage and the liquidation price",
        body: "A long at 10x puts up a tenth of its size as collateral, and the venue \
               liquidates it once losses have eaten all but the maintenance margin: after a fall \
               of about 9.5%. At 50x that distance shrinks to about 1.5%. Here six longs from 2x \
               to 100x sit on a deep market, and a 3% drop liquidates only the 50x and the 100x.",
        demo: Demo {
            preset: "calm-market",
            edit: scenes::six_longs,
            chart: "map",
            look_at: "The map stacks what would be liquidated if the price fell to each level: \
                      each long adds its band from its own liquidation price down, the more \
                      levered, the closer to the price.",
        },
    },
    Step {
        title: "A small shock, then a slightly larger one",
        body: "In this quiet market, on a deep book, every trader holds 10-25x, so almost no \
               liquidation price lies within a 3% fall, and a 3% shock stays a move of about \
               3%. A 4% shock reaches the first of them: their forced sales push the price into the next ones, \
               and the fall runs well past 6%. That jump is the tipping point.",
        demo: Demo {
            preset: "calm-market",
            edit: scenes::quiet_market_at_10_to_25x,
            chart: "amplification",
            look_at: "The curve jumps between a 3% and a 4% shock: past the tipping point the \
                      cascade takes over.",
        },
    },
    Step {
        title: "Liquidity: the same sale on a thin book",
        body: "Depth is what keeps forced sales from moving the price. This weekend book holds a \
               sixth of the quiet market's depth, so a $60M sale, which the quiet market's book \
               absorbs with a move under 1%, sets off a cascade here, and market makers pulling quotes as the price falls \
               make it deeper. Depth refills with time, so the price climbs back off its low.",
        demo: Demo {
            preset: "thin-book",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The low comes well after the sale, and the price climbs back as depth \
                      refills.",
        },
    },
    Step {
        title: "Adjustment: traders who act",
        body: "Traders are not only victims. As a 4% slide unfolds here over two minutes, some \
               add collateral when the mark nears their liquidation price and others halve their \
               positions once the price turns volatile, and about a third less is liquidated. \
               But halving a position is a market sale too: de-levering alone sells more than it \
               saves from liquidation, and the fall goes about as deep. Stop-loss orders, \
               which the glossary shows on the 2024 crash, sell earlier still.",
        demo: Demo {
            preset: "over-levered-longs",
            edit: scenes::traders_adjust,
            chart: "liquidations",
            look_at: "The liquidation bars are smaller than with nobody adjusting: to compare, \
                      set \"Add collateral near liquidation\" and \"De-lever when volatile\" to 0 \
                      under Traders and algorithms.",
        },
    },
    Step {
        title: "Algorithm: the venue's machine, and predators",
        body: "A venue liquidates by rule. This one sends at most $50M of liquidations to the \
               book per second, halts trading for 20 seconds once the price has moved 5% (the \
               cascade goes on when it reopens), pays for fills past bankruptcy \
               from a small insurance fund and, once that is nearly empty, closes profitable \
               shorts by auto-deleveraging instead of selling into the book. Predatory traders \
               sell ahead of the cluster of long liquidations and buy back from the forced \
               sellers at a profit.",
        demo: Demo {
            preset: "fund-drained-adl",
            edit: scenes::venue_machine,
            chart: "fund",
            look_at: "The fund drains in the first seconds and ADL takes over; with ADL off the \
                      same shock would end in a crash and bad debt.",
        },
    },
    Step {
        title: "Skew and concentration: squeezes",
        body: "Which side is crowded matters as much as how levered it is. Here 70% of the open \
               interest is short, a sixth of it at 25x or more, and a 5% pop liquidates shorts \
               whose forced buying lifts the price further. The same pop on a long-heavy crowd \
               goes less far.",
        demo: Demo {
            preset: "short-squeeze",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The price keeps rising after the 5% pop as liquidated shorts buy into the \
                      book.",
        },
    },
    Step {
        title: "Cycles: boom, flush, rebuild",
        body: "Run many days of ordinary Gaussian news on this thin market: levered positions \
               are liquidated when the price runs against them and replaced by new entrants, who lever up more after \
               calm stretches. The news alone gives bell-shaped daily returns; with cascades the \
               tails grow fat and the worst day is several times worse.",
        demo: Demo {
            preset: "thin-book",
            edit: scenes::as_is,
            chart: "cycles",
            look_at: "In the return histogram the cascades' tails reach far beyond the \
                      news-only bell on both sides (a crowd long and short flushes and is \
                      squeezed), the left one weighing a little more over all: the returns' \
                      skew is below zero, though one squeeze can still be the most extreme day.",
        },
    },
    Step {
        title: "A real flush: 10 October 2025",
        body: "On 10 October 2025 a tariff headline met record leverage: BTC fell from the \
               day's $122,574 to about $104,800, and a cascade liquidated $6.93bn across all \
               coins in 40 minutes from 20:50 UTC ($19bn in the day). In the model, fitted to \
               that 14.5% trough and to BTC's assumed share of the liquidations (about $6.8bn, \
               all longs), selling of about 10.5% on the record's clock (a slide from 20:50, the \
               rest in two minutes from 21:15) sets off liquidations that carry the price some \
               40% further, most of them in those two minutes. Its insurance fund ends within a \
               few million of where it started and ADL never runs, whereas that night \
               Hyperliquid ran its first cross-margin ADL: the Markets tab's 2025-10-10 system \
               of venues shows it.",
        demo: Demo {
            preset: "btc-2025-10-10",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The price slides, then plunges past where the selling alone took it, \
                      then recovers part of the way as the book refills.",
        },
    },
    Step {
        title: "Beyond one venue",
        body: "A flush rarely stays where it starts. Here a large sale hits one of two BTC \
               venues only, yet arbitrageurs carry it to the other and both venues mark to one \
               index, so the second venue's crowd is liquidated too. Tick \u{201c}cut\u{201d} on the \
               link under the Markets diagram and each venue flushes alone.",
        demo: Demo {
            preset: "two-venues-one-asset",
            edit: scenes::as_is,
            chart: "markets-price",
            look_at: "In the diagram the second venue falls and liquidates its crowd with the \
                      first, although the sale hit only the first.",
        },
    },
];
