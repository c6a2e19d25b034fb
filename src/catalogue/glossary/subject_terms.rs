//! The seventeen terms of the subject, leverage dependency to leverage control: what each means,
//! and the part of it FlushLab can show (on one market, or on the Markets tab's systems).

use super::Term;
use crate::catalogue::scenes;
use crate::catalogue::Demo;

pub(super) const TERMS: &[Term] = &[
    Term {
        id: "leverage-dependency",
        name: "Leverage dependency",
        body: "How much a market's moves depend on leverage staying in place: the part of a fall \
               that forced liquidations, not news, produce. FlushLab measures it by running the \
               same market with every position at 1x.",
        related: &[
            "amplification",
            "systemic-leverage",
            "systemic-leverage-risk",
        ],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "amplification",
            look_at: "The gap between the solid curve and the dashed no-leverage curve is the \
                      part of each fall that leverage produced.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-concentration",
        name: "Leverage concentration",
        body: "How much of the open interest sits in the most levered positions, or at nearly \
               the same liquidation prices. Concentrated leverage is a wall of forced sales that \
               one move can push over all at once.",
        related: &[
            "leverage-skew",
            "predatory-trading",
            "leverage-ratio-monitoring",
        ],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::concentrated_at_high_leverage,
            chart: "map",
            look_at: "With more of the same open interest at 25x and above, the same 4% shock \
                      liquidates more and the fall goes deeper.",
        }),
        not_yet: None,
    },
    Term {
        id: "options-trading-leverage",
        name: "Options trading leverage",
        body: "The leverage an option carries: a small premium controls a large exposure. \
               Dealers who sell options hedge by trading the underlying, and when they are short \
               gamma they sell into falls and buy into rises, feeding a move as liquidations do.",
        related: &[
            "gamma-hedging",
            "leverage-mechanics",
            "leverage-management-in-cppi",
        ],
        demo: Some(Demo {
            preset: "dealers-short-gamma",
            edit: scenes::as_is,
            chart: "options",
            look_at: "A 30-day call 5% out of the money at 60% volatility costs about 5% of the \
                      price and levers about 9x: a perpetual long at 9x is liquidated by an 11% \
                      fall, where the call loses at most its premium, but held a week at an \
                      unchanged price the call loses about a sixth of its value.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-and-liquidation-risks",
        name: "Leverage and liquidation risks",
        body: "What a levered trader risks beyond the loss itself: being liquidated by a brief \
               move before the trade comes good, losing the margin left at liquidation to the \
               insurance fund, and, once the fund runs dry, having a winning position closed by \
               auto-deleveraging.",
        related: &["liquidation-price", "insurance-fund", "auto-deleveraging"],
        demo: Some(Demo {
            preset: "fund-drained-adl",
            edit: scenes::as_is,
            chart: "fund",
            look_at: "Longs lose their margin to liquidation, the fund drains, and then \
                      profitable shorts are auto-deleveraged.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-ratio-monitoring",
        name: "Leverage ratio monitoring",
        body: "Watching how levered a market is: open interest against the collateral behind it, \
               and how much of it sits within a few percent of its liquidation price. The \
               liquidation map shows the second: what it stacks near the price is what a small \
               move would force out.",
        related: &[
            "leverage-concentration",
            "systemic-leverage-risk",
            "open-interest",
        ],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::five_pct_drop,
            chart: "map",
            look_at: "A 5% drop liquidates at least what the map's stacked areas show 5% below \
                      the price, and the cascade adds more.",
        }),
        not_yet: None,
    },
    Term {
        id: "systemic-leverage-cycles",
        name: "Systemic leverage cycles",
        body: "Leverage building up across a whole market in calm times and being forced out \
               together, again and again, because every holder shares one price. FlushLab shows \
               the cycle on one market; the Markets tab shows one flush crossing venues, \
               cross-margin accounts and a lending protocol.",
        related: &[
            "leverage-cycles",
            "leverage-deleveraging-cycles",
            "systemic-leverage",
        ],
        demo: Some(Demo {
            preset: "btc-2025-10-10",
            edit: scenes::as_is,
            chart: "cycles",
            look_at: "Cascades, not news, make the worst days: the returns with cascades have \
                      fatter tails than the news alone.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-deleveraging-spiral",
        name: "Leverage deleveraging spiral",
        body: "A loop in which falling prices force levered holders to sell and their selling \
               lowers prices further, the loss spiral of Brunnermeier and Pedersen. In FlushLab \
               the forced sellers are liquidated positions, and the spiral ends when the book \
               absorbs the flow or nobody is left near a liquidation price.",
        related: &[
            "liquidation-cascade",
            "leverage-deleveraging-cycles",
            "tipping-point",
        ],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "liquidations",
            look_at: "Liquidations go on for several seconds after the one-off shock, and the \
                      fall ends about twice as deep as the shock.",
        }),
        not_yet: None,
    },
    Term {
        id: "systemic-leverage-risk",
        name: "Systemic leverage risk",
        body: "The risk that leverage spread across a market turns an ordinary shock into a \
               crash for everyone holding the asset, levered or not. It grows with mean \
               leverage, shrinks with depth, and can jump past a tipping point.",
        related: &["tipping-point", "systemic-leverage", "leverage-dependency"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "phase",
            look_at: "Up the mean-leverage axis the bright flush region, where a small shock \
                      ends in a crash, reaches smaller shocks; the cross is this run, whose \
                      crowd at its own leverage doubles a 4% shock (the headline's \
                      amplification), still a dark cell on a scale that runs to 50%, and the \
                      same crowd at 2x barely adds to it.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-mechanics",
        name: "Leverage mechanics",
        body: "How a levered position works from opening to closing: its collateral is its size \
               divided by its leverage, profit and loss accrue on the whole size, and the venue \
               closes it at the liquidation price. The margin left at that point is lost to \
               the trader: what the venue's sale fills above the bankruptcy price goes to the \
               insurance fund, and a fall that gaps past it leaves the fund to pay the rest.",
        related: &["leverage", "liquidation-price", "maintenance-margin"],
        demo: Some(Demo {
            preset: "calm-market",
            edit: scenes::six_longs_five_pct,
            chart: "map",
            look_at: "A 5% drop liquidates the 25x, 50x and 100x longs, and gaps past all three \
                      bankruptcy prices (4%, 2% and 1% down), so here the fund pays; the 10x and \
                      below stay open.",
        }),
        not_yet: None,
    },
    Term {
        id: "systemic-leverage-contagion",
        name: "Systemic leverage contagion",
        body: "Distress spreading from one venue, asset or protocol to others through shared \
               collateral, cross-margin accounts and arbitrage: a flush on one exchange sells \
               into the others, and a falling collateral token liquidates accounts whose \
               positions had not lost.",
        related: &[
            "cross-margin",
            "systemic-leverage",
            "systemic-leverage-risk",
        ],
        demo: Some(Demo {
            preset: "two-venues-one-asset",
            edit: scenes::as_is,
            chart: "markets-price",
            look_at: "The second venue is never sold into by anyone of its own, yet it falls and \
                      liquidates its crowd, because arbitrageurs carry the first venue's selling \
                      across and both venues mark to one index.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-cycles",
        name: "Leverage cycles",
        body: "Geanakoplos' leverage cycle: lenders and venues allow more leverage after calm \
               periods, which raises prices and fragility, until a shock forces it out at once. \
               Thurner, Farmer and Geanakoplos showed that this alone turns Gaussian news into \
               fat-tailed returns.",
        related: &["leverage-deleveraging-cycles", "systemic-leverage-cycles"],
        demo: Some(Demo {
            preset: "thin-book",
            edit: scenes::as_is,
            chart: "cycles",
            look_at: "The same Gaussian news gives fat tails once cascades are on, and a worst \
                      day several times worse than the news alone.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-skew",
        name: "Leverage skew",
        body: "The imbalance between levered longs and levered shorts: the crowded side has more \
               liquidation prices near the price, so a move against it cascades further, and it \
               pays the other side funding while it waits (set the skew with Long share, and a \
               funding build-up in the traders panel).",
        related: &["leverage-concentration", "funding-rate", "leverage-flush"],
        demo: Some(Demo {
            preset: "short-squeeze",
            edit: scenes::as_is,
            chart: "price",
            look_at: "With 70% of open interest short, a 5% pop liquidates shorts and the price \
                      overshoots, further than the same pop on a long-heavy crowd.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-deleveraging-cycles",
        name: "Leverage deleveraging cycles",
        body: "The repeating pattern of leverage built up, flushed out and rebuilt. In FlushLab's \
               cycles tab, liquidated positions are replaced by new entrants who lever up more \
               after quiet days and less after turbulent ones.",
        related: &["leverage-cycles", "leverage-deleveraging-spiral"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "cycles",
            look_at: "Liquidations come on many days, not one, and the returns' tails are \
                      fatter than the news alone.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-management-in-cppi",
        name: "Leverage management in CPPI",
        body: "Constant proportion portfolio insurance keeps its exposure at a multiple of the \
               cushion above a floor, so it buys as prices rise and sells as they fall: leverage \
               managed by rule that, like liquidations, sells into declines.",
        related: &["options-trading-leverage", "leverage-deleveraging-spiral"],
        demo: Some(Demo {
            preset: "portfolio-insurance",
            edit: scenes::as_is,
            chart: "liquidations",
            look_at: "The insurers' selling, drawn apart from the liquidations, starts with the \
                      3% dip and, with the liquidations it sets off, carries the price about \
                      three times as far, more than three points further than the crowd's \
                      liquidations alone; as the book refills and the price recovers, they buy \
                      part of it back.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-dynamics-assessment",
        name: "Leverage dynamics assessment",
        body: "Judging how leverage changes through an episode rather than at one moment: which \
               leverage buckets empty first, how fast, and how much open interest is left. \
               FlushLab's open-interest chart shows it bucket by bucket and step by step.",
        related: &["open-interest", "leverage-ratio-monitoring"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "oi",
            look_at: "The most levered buckets lose the largest share of their open interest; \
                      the 1-2x bucket keeps almost all of its own.",
        }),
        not_yet: None,
    },
    Term {
        id: "systemic-leverage",
        name: "Systemic leverage",
        body: "The leverage of a market taken as a whole rather than trader by trader: because \
               everyone shares one price, one trader's forced sale is everyone's loss, and \
               positions that could bear the news are liquidated by others' leverage. Here it \
               is shown on one market; the Markets tab shows it across venues, shared collateral \
               and lending protocols.",
        related: &[
            "systemic-leverage-risk",
            "leverage-dependency",
            "systemic-leverage-contagion",
        ],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "map",
            look_at: "The flush liquidates about twice what the map's stacks hold 4% left of \
                      the start line, where the shock alone would have taken the price: the \
                      rest was pushed over by others' forced selling.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-control",
        name: "Leverage control",
        body: "The rules a venue uses to keep leverage from breaking it: maximum leverage, \
               maintenance tiers, throttled liquidations and trading halts. FlushLab models the \
               tiers, throttles and halts, a leverage cap as a crowd opened under it, and the \
               documented rules of five venues (the venue profile: Binance, Hyperliquid, Bybit, \
               OKX, dYdX), and a control that raises maintenance margins once the insurance fund \
               drains or volatility rises (set by hand: no venue documents its automatic rule).",
        related: &[
            "throughput-cap",
            "circuit-breaker",
            "maintenance-margin",
            "auto-deleveraging",
        ],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::leverage_controls,
            chart: "price",
            look_at: "With positions capped at 20x, liquidations throttled and a halt after the \
                      first seconds, the same 4% shock liquidates less and the trough is \
                      shallower.",
        }),
        not_yet: None,
    },
];
