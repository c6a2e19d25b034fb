//! Glossary terms of markets and venues: leverage, margin and liquidation prices, the book, the
//! venue's liquidation engine, and the cascade itself.

use super::Term;
use crate::catalogue::scenes;
use crate::catalogue::Demo;

pub(super) const TERMS: &[Term] = &[
    Term {
        id: "leverage",
        name: "Leverage",
        body: "Holding a position larger than the collateral behind it: at 10x, collateral of a \
               tenth of the position carries all of it, so every price move counts ten times \
               over against that collateral. The venue protects itself by closing the position \
               before losses can eat all of the collateral.",
        related: &[
            "liquidation-price",
            "maintenance-margin",
            "leverage-mechanics",
        ],
        demo: Some(Demo {
            preset: "calm-market",
            edit: scenes::six_longs,
            chart: "map",
            look_at: "The map stacks what would be liquidated if the price fell to each level: \
                      each long adds its band from its own liquidation price down, the more \
                      levered, the closer to the price.",
        }),
        not_yet: None,
    },
    Term {
        id: "long-and-short",
        name: "Long and short",
        body: "A long gains when the price rises and a short when it falls; on a futures venue \
               every contract has one of each. A levered long is liquidated by a fall and a \
               levered short by a rise, so a flush down liquidates longs and a squeeze up \
               liquidates shorts.",
        related: &["leverage", "short-squeeze", "open-interest"],
        demo: Some(Demo {
            preset: "short-squeeze",
            edit: scenes::as_is,
            chart: "liquidations",
            look_at: "Here the price rises, so the bars are shorts liquidated: each forced to \
                      buy back what it had sold.",
        }),
        not_yet: None,
    },
    Term {
        id: "collateral",
        name: "Collateral",
        body: "The money a trader puts up behind a position (its margin): at 10x, $1,000 of \
               collateral carries a $10,000 position. Losses come out of it, and when what is \
               left falls to the maintenance margin the position is liquidated, so adding \
               collateral moves the liquidation price away.",
        related: &["leverage", "maintenance-margin", "liquidation-price"],
        demo: Some(Demo {
            preset: "calm-market",
            edit: scenes::six_longs,
            chart: "map",
            look_at: "Each $10,000 long here has $10,000 over its leverage as collateral, $5,000 \
                      at 2x and $100 at 100x, so a 3% drop ($300) takes all of the 100x's and a \
                      small part of the 2x's.",
        }),
        not_yet: None,
    },
    Term {
        id: "short-squeeze",
        name: "Short squeeze",
        body: "A liquidation cascade upward: a rise forces levered shorts to buy back, and their \
               buying lifts the price into the next shorts' liquidation prices. It is a flush's \
               mirror, usually smaller, because fewer traders hold levered shorts than longs.",
        related: &["long-and-short", "liquidation-cascade", "leverage-flush"],
        demo: Some(Demo {
            preset: "short-squeeze",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The price runs well past the dotted line of the shock alone: every step \
                      past it is shorts forced to buy.",
        }),
        not_yet: None,
    },
    Term {
        id: "liquidation-price",
        name: "Liquidation price",
        body: "The price at which a position's equity has fallen to the maintenance margin and \
               the venue takes it over. For a USD-margined long it sits about 1/leverage below \
               the entry, a little less for the margin: about 9.5% below at 10x and 1.5% at 50x \
               with a 0.5% maintenance rate.",
        related: &[
            "maintenance-margin",
            "bankruptcy-price",
            "leverage",
            "mark-price",
        ],
        demo: Some(Demo {
            preset: "calm-market",
            edit: scenes::six_longs,
            chart: "map",
            look_at: "A 3% drop liquidates only the 50x and the 100x longs; the 10x would hold \
                      until the price had fallen about 9.5%.",
        }),
        not_yet: None,
    },
    Term {
        id: "maintenance-margin",
        name: "Maintenance margin",
        body: "The least equity a venue lets a position keep, a small fraction of its size that \
               most venues raise in tiers for larger positions. Below it the position is \
               liquidated, so a higher rate puts every liquidation price closer to the entry.",
        related: &["liquidation-price", "leverage", "leverage-control"],
        demo: Some(Demo {
            preset: "calm-market",
            edit: scenes::five_longs_high_margin,
            chart: "map",
            look_at: "At a 1.5% maintenance rate the 25x long is liquidated by the same 3% drop \
                      that it survives at 0.5% (the leverage example), so the $20.0k liquidated \
                      is now the 25x and the 50x, with the 100x left out (a 1.5% rate admits no \
                      more than about 66x).",
        }),
        not_yet: None,
    },
    Term {
        id: "bankruptcy-price",
        name: "Bankruptcy price",
        body: "The price at which a position's losses equal all of its collateral. The venue \
               liquidates a little before it; a fill beyond it is a loss someone else pays: the \
               insurance fund, profitable traders through auto-deleveraging, or nobody (bad \
               debt).",
        related: &[
            "liquidation-price",
            "insurance-fund",
            "auto-deleveraging",
            "bad-debt",
        ],
        demo: Some(Demo {
            preset: "fund-drained-adl",
            edit: scenes::as_is,
            chart: "fund",
            look_at: "The fund falls as liquidations fill past their bankruptcy prices, until \
                      little of it is left.",
        }),
        not_yet: None,
    },
    Term {
        id: "mark-price",
        name: "Mark price",
        body: "The price a venue checks liquidations against instead of the last trade: usually \
               an index of spot exchanges plus a smoothed premium, so one wild trade liquidates \
               nobody. A single market in FlushLab has no index: its mark follows the last price \
               with a delay you set, and a slower mark slows the cascade (the Markets tab's \
               venues can mark to their shared index instead).",
        related: &["liquidation-price", "liquidation-cascade"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::slow_mark,
            chart: "price",
            look_at: "The dashed mark lags the price, so liquidations come later and fewer of \
                      them: the trough is shallower than with a one-second mark.",
        }),
        not_yet: None,
    },
    Term {
        id: "insurance-fund",
        name: "Insurance fund",
        body: "Money a venue keeps to absorb liquidations that fill worse than the bankruptcy \
               price. It grows from liquidation fees and from the margin left in positions \
               closed before bankruptcy, and pays out when a fill lands beyond it.",
        related: &["bankruptcy-price", "auto-deleveraging", "bad-debt"],
        demo: Some(Demo {
            preset: "btc-2025-10-10",
            edit: scenes::as_is,
            chart: "fund",
            look_at: "The note on the fund's line says what its scale hides: the fund grew \
                      about $10M through the slide, as liquidations filled before bankruptcy, \
                      and paid out more than that in the plunge, as fills landed beyond it.",
        }),
        not_yet: None,
    },
    Term {
        id: "auto-deleveraging",
        name: "Auto-deleveraging",
        body: "When the insurance fund cannot cover a bankrupt position, the venue closes it \
               against traders on the other side who are in profit, at the bankrupt position's \
               price, the most profitable and most levered first. Those orders never reach the \
               book, so ADL also damps the fall, at the cost of winners losing their positions.",
        related: &["insurance-fund", "bad-debt", "bankruptcy-price"],
        demo: Some(Demo {
            preset: "fund-drained-adl",
            edit: scenes::as_is,
            chart: "fund",
            look_at: "Once the fund is nearly empty, profitable shorts are closed by ADL instead \
                      of the book taking the forced sales.",
        }),
        not_yet: None,
    },
    Term {
        id: "bad-debt",
        name: "Bad debt",
        body: "A loss that neither the position's collateral nor the insurance fund can pay. \
               Venues avoid it with auto-deleveraging; with ADL off, FlushLab records it and the \
               forced sales all go to the book.",
        related: &["auto-deleveraging", "insurance-fund", "bankruptcy-price"],
        demo: Some(Demo {
            preset: "fund-drained-adl",
            edit: scenes::without_adl,
            chart: "fund",
            look_at: "With ADL switched off the fund runs dry, bad debt piles up, and the price \
                      falls much further than with ADL on.",
        }),
        not_yet: None,
    },
    Term {
        id: "order-book-depth",
        name: "Order-book depth",
        body: "How much can be sold or bought near the price before it moves; FlushLab counts \
               the dollars resting within 1% of the price. A forced sale moves a thin book much \
               further, and so reaches more liquidation prices.",
        related: &[
            "market-maker-withdrawal",
            "book-resilience",
            "liquidation-cascade",
        ],
        demo: Some(Demo {
            preset: "thin-book",
            edit: scenes::as_is,
            chart: "price",
            look_at: "A $60M sale that would move a book six times deeper by under 1% sets off \
                      a cascade here.",
        }),
        not_yet: None,
    },
    Term {
        id: "market-maker-withdrawal",
        name: "Market-maker withdrawal",
        body: "Liquidity providers cancel quotes when the price moves fast, so the book thins \
               just as forced sales arrive. In FlushLab they pull a share of the depth for each \
               1% the mark has moved.",
        related: &["order-book-depth", "book-resilience", "tipping-point"],
        demo: Some(Demo {
            preset: "thin-book",
            edit: scenes::fast_withdrawal,
            chart: "price",
            look_at: "Pulling depth faster turns the same sale from a slide of a few percent \
                      into a crash several times deeper.",
        }),
        not_yet: None,
    },
    Term {
        id: "book-resilience",
        name: "Book resilience",
        body: "How fast market makers refill the book after trades have used it up. FlushLab \
               refills used depth with a half-life, so the impact of forced selling fades and \
               the price climbs back off its low.",
        related: &["order-book-depth", "market-maker-withdrawal"],
        demo: Some(Demo {
            preset: "thin-book",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The price climbs back off its low as depth refills; with no refill it \
                      would stay at the bottom.",
        }),
        not_yet: None,
    },
    Term {
        id: "liquidation-cascade",
        name: "Liquidation cascade",
        body: "A chain of forced trades: liquidations move the price, which crosses more \
               liquidation prices, whose forced trades move it further, until the book absorbs \
               the flow.",
        related: &[
            "leverage-flush",
            "amplification",
            "leverage-deleveraging-spiral",
        ],
        demo: Some(Demo {
            preset: "thin-book",
            edit: scenes::as_is,
            chart: "liquidations",
            look_at: "The bars keep coming for many seconds after the one-off sale: each wave \
                      of liquidations sets off the next.",
        }),
        not_yet: None,
    },
    Term {
        id: "leverage-flush",
        name: "Leverage flush",
        body: "A sharp move in which forced liquidations clear out much of one side's leveraged \
               positions and carry the price well past where the news alone would have left it. \
               FlushLab simulates one from the shock to the last liquidation.",
        related: &["liquidation-cascade", "amplification", "open-interest"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "price",
            look_at: "A 4% shock ends in a fall about twice as deep, and only longs are \
                      liquidated.",
        }),
        not_yet: None,
    },
    Term {
        id: "amplification",
        name: "Amplification",
        body: "How far the price moved divided by how far the shock alone moved it: 1 means no \
               cascade. The amplification chart runs the scenario at many shock sizes, with the \
               scenario's leverage and with every position at 1x.",
        related: &["tipping-point", "leverage-dependency", "leverage-flush"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "amplification",
            look_at: "The solid curve lies far beyond the dashed no-leverage one, which moves \
                      no further than the shock.",
        }),
        not_yet: None,
    },
    Term {
        id: "tipping-point",
        name: "Tipping point",
        body: "The shock size past which a cascade stops growing in step with the shock and runs \
               away: each wave of forced sales reaches enough new liquidation prices to set off \
               the next, so each 1% more of shock adds 2% or more to the move. Below it a \
               levered crowd can still amplify a shock, but in proportion; a crowd with no \
               liquidation prices near the price barely moves it. Small changes in leverage or \
               depth move the point, which is why quiet markets can flush suddenly.",
        related: &[
            "amplification",
            "systemic-leverage-risk",
            "liquidation-cascade",
        ],
        demo: Some(Demo {
            preset: "calm-market",
            edit: scenes::quiet_market_at_10_to_25x,
            chart: "amplification",
            look_at: "The curve jumps between a 3% and a 4% shock: the first stays a move of \
                      about 3%, the second runs well past 6%.",
        }),
        not_yet: None,
    },
    Term {
        id: "open-interest",
        name: "Open interest",
        body: "The total size of the positions open on a market, each contract counted once \
               (every long has a short on its other side), as venues publish it. A flush shows \
               as a sudden fall in it, as liquidations close positions that nobody reopens. \
               FlushLab follows the levered side of each contract: its crowd's longs and shorts \
               add up to the open interest, and the other side is taken to be market makers and \
               hedged traders, whom no move liquidates.",
        related: &["leverage-flush", "leverage-dynamics-assessment"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "oi",
            look_at: "The solid bars are shorter than the pale ones, most of all in the \
                      high-leverage buckets.",
        }),
        not_yet: None,
    },
    Term {
        id: "circuit-breaker",
        name: "Circuit breaker",
        body: "A pause in trading after a large move within a short window, to let liquidity \
               come back. While FlushLab's breaker halts, nothing trades and nobody is \
               liquidated, but the book keeps refilling.",
        related: &["leverage-control", "throughput-cap", "book-resilience"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::circuit_breaker,
            chart: "price",
            look_at: "The halt in the first seconds lets the book refill, so the trough is \
                      shallower than without the breaker.",
        }),
        not_yet: None,
    },
    Term {
        id: "throughput-cap",
        name: "Throughput cap",
        body: "A limit on how much a venue liquidates per unit of time, as dYdX caps what one \
               liquidation may close per block (and Hyperliquid sends a large position's first \
               order at a fifth of it). The rest waits its turn, so the same flush is spread \
               over more time.",
        related: &["leverage-control", "circuit-breaker"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::throughput_cap,
            chart: "liquidations",
            look_at: "Positions are liquidated in slices, and the flush lasts longer than \
                      without the cap.",
        }),
        not_yet: None,
    },
    Term {
        id: "predatory-trading",
        name: "Predatory trading",
        body: "Trading against traders who will be forced to trade: predators sell ahead of a \
               visible cluster of liquidation prices to push the price into it, then buy back \
               from the forced sellers. In FlushLab they profit, and their buying back can even \
               cushion the bottom.",
        related: &["leverage-concentration", "liquidation-cascade"],
        demo: Some(Demo {
            preset: "predators-at-work",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The predators end with a profit, and without them this trough would be \
                      a little deeper.",
        }),
        not_yet: None,
    },
    Term {
        id: "stop-loss-order",
        name: "Stop-loss order",
        body: "An order a trader leaves with the venue to close a position once the price has \
               moved a set distance against it: a market order the moment it triggers. Stops sit \
               far closer than liquidation prices, so in a fall they sell first, and a cluster \
               of them can start the cascade that reaches the leveraged crowd (a stop run). \
               Unlike liquidations, they close open interest by the traders' own choice.",
        related: &["liquidation-cascade", "open-interest", "predatory-trading"],
        demo: Some(Demo {
            preset: "btc-2024-08-05",
            edit: scenes::as_is,
            chart: "oi",
            look_at: "A tenth of this crowd holds stops 5% from entry: the solid bars fall in \
                      the low-leverage buckets too, which no liquidation reached.",
        }),
        not_yet: None,
    },
    Term {
        id: "gamma-hedging",
        name: "Gamma hedging",
        body: "Option dealers keep their books delta-neutral by trading the underlying as its \
               price moves. Dealers short options (short gamma) must sell as the price falls and \
               buy as it rises, so their hedging pushes the same way as liquidations; dealers \
               long options lean against the move.",
        related: &[
            "options-trading-leverage",
            "leverage-management-in-cppi",
            "liquidation-cascade",
        ],
        demo: Some(Demo {
            preset: "dealers-short-gamma",
            edit: scenes::as_is,
            chart: "liquidations",
            look_at: "The dealers' hedge selling, drawn apart from the liquidations, follows the \
                      3% dip toward the puts' strikes and carries the fall past 7%.",
        }),
        not_yet: None,
    },
    Term {
        id: "funding-rate",
        name: "Funding rate",
        body: "A periodic payment between the longs and shorts of a perpetual future that pulls \
               its price toward the spot index: when longs crowd in, the perpetual trades above \
               spot and longs pay shorts. Binance charges every 8 hours the premium pulled \
               toward a 0.01% interest rate by at most 0.05%; Hyperliquid charges an eighth of \
               that every hour. Paid for days, it thins the crowded side's margins and moves \
               its liquidation prices toward the price.",
        related: &["leverage-skew", "liquidation-price"],
        demo: Some(Demo {
            preset: "funding-bleed",
            edit: scenes::as_is,
            chart: "funding",
            look_at: "A crowd 75% long pays about 0.15% every 8 hours for three days: the \
                      thinnest margins wear through, the rate eases with the skew, every long's \
                      liquidation price creeps up by what it paid, and the last payment sets off \
                      a flush with no shock at all (without the funding, the same crowd stands \
                      through a 0.75% dip).",
        }),
        not_yet: None,
    },
    Term {
        id: "cross-margin",
        name: "Cross margin",
        body: "One pool of collateral backing several positions, so a loss on one can liquidate \
               the others. A market's crowd in FlushLab holds isolated positions, each with its \
               own collateral; the Markets tab adds cross-margin accounts with legs in several \
               markets.",
        related: &["systemic-leverage-contagion", "leverage-mechanics"],
        demo: Some(Demo {
            preset: "btc-eth-cross-margin",
            edit: scenes::as_is,
            chart: "markets-price",
            look_at: "ETH falls further than its own half-size shock, because accounts long BTC \
                      and ETH on one margin lose on BTC and have their ETH sold as well.",
        }),
        not_yet: None,
    },
    Term {
        id: "perpetual-future",
        name: "Perpetual future",
        body: "A future with no expiry, the contract most crypto leverage is held in: a trader \
               posts margin, holds the position as long as the margin lasts, and pays or \
               receives funding every few hours so its price stays near spot. Every long has a \
               short on the other side; FlushLab follows the side that holds it with leverage.",
        related: &["funding-rate", "open-interest", "leverage"],
        demo: Some(Demo {
            preset: "over-levered-longs",
            edit: scenes::as_is,
            chart: "price",
            look_at: "The perpetual's last traded price and its mark price, which triggers the \
                      liquidations, through a 4% dip that the flush carries to about 9%.",
        }),
        not_yet: None,
    },
    Term {
        id: "coin-margined",
        name: "Coin-margined contract",
        body: "An inverse perpetual, as BitMEX's XBTUSD: each contract is worth 1 USD, but \
               margin, profit, losses, fees and the insurance fund are all in the coin. A long's \
               collateral loses value as the coin falls while its position loses too, so its \
               liquidation price sits closer than a USDT-margined long's at the same leverage.",
        related: &["leverage", "liquidation-price", "insurance-fund"],
        demo: Some(Demo {
            preset: "bitmex-2020-03-12",
            edit: scenes::as_is,
            chart: "fund",
            look_at: "The insurance fund is counted in coin (XBT on BitMEX) and the liquidated \
                      size in contracts of 1 USD, as BitMEX counted them on Black Thursday.",
        }),
        not_yet: None,
    },
    Term {
        id: "excess-kurtosis",
        name: "Excess kurtosis",
        body: "How much fatter a distribution's tails are than a normal one's: 0 for normal \
               returns; for BTC's daily returns about 4 to 5 over one-year windows and 8 to 26 \
               over multi-year samples (a single crash weighs heavily). Skew says which way the \
               tails lean; crypto's is mildly negative, the big days mostly down.",
        related: &["leverage-cycles", "qq-plot"],
        demo: Some(Demo {
            preset: "btc-2025-10-10",
            edit: scenes::as_is,
            chart: "cycles",
            look_at: "The run's figures above the charts: the excess kurtosis of the returns with \
                      cascades beside that of the news alone, which is near 0.",
        }),
        not_yet: None,
    },
    Term {
        id: "qq-plot",
        name: "QQ plot",
        body: "Each return's quantile against the same quantile of a normal distribution: \
               normal returns lie on the diagonal, and fat tails bend away from it at both ends.",
        related: &["excess-kurtosis", "leverage-cycles"],
        demo: Some(Demo {
            preset: "btc-2025-10-10",
            edit: scenes::as_is,
            chart: "cycles-qq",
            look_at: "In the QQ plot the news alone stays on the diagonal, and the days with \
                      cascades leave it in the tails.",
        }),
        not_yet: None,
    },
    Term {
        id: "implied-volatility",
        name: "Implied volatility",
        body: "The volatility that, put into the Black-Scholes formula, gives an option's market \
               price: the market's price of future moves, as an annual percentage. BTC's has \
               mostly been 40-80%, higher in a crash.",
        related: &["options-trading-leverage", "option-delta"],
        demo: Some(Demo {
            preset: "dealers-short-gamma",
            edit: scenes::as_is,
            chart: "options",
            look_at: "Raise the implied volatility on the Options tab: the call costs more, so \
                      the same stake buys less leverage.",
        }),
        not_yet: None,
    },
    Term {
        id: "option-delta",
        name: "Option delta",
        body: "How much an option's value moves for a 1 USD move of the coin (0 to 1 for a \
               call, -1 to 0 for a put); times the price and divided by the premium, it is the \
               option's effective leverage. Its change with the price is gamma, which dealers \
               hedge.",
        related: &[
            "gamma-hedging",
            "options-trading-leverage",
            "implied-volatility",
        ],
        demo: Some(Demo {
            preset: "dealers-short-gamma",
            edit: scenes::as_is,
            chart: "liquidations",
            look_at:
                "As the dip nears the puts' strikes their deltas grow, and the dealers' hedge \
                      selling, drawn apart from the liquidations, grows with them.",
        }),
        not_yet: None,
    },
];
