//! Long runs drawn at a screen's resolution. A run may take up to 100,000 steps
//! (`flushlab_engine::scenario::MAX_STEPS`), and a chart is a few thousand pixels wide at most:
//! past [`MOST_POINTS`] a chart's lines go through the lowest and the highest value of each
//! stretch of steps, so no trough, peak or spike a reader looks for is lost, and plotly.js (and
//! the frame's comparison of figures) handle a few thousand points instead of hundreds of
//! thousands. Every point kept is one the run had.

/// Most points a chart's lines keep in all: a line of a run with more steps is thinned.
pub const MOST_POINTS: usize = 3_000;

/// Index of the lowest (or, `up`, highest) of `values`: the first one, where the move peaked.
pub fn extreme_index(values: &[f64], up: bool) -> usize {
    let mut best = 0;
    for (index, value) in values.iter().enumerate() {
        let better = if up {
            *value > values[best]
        } else {
            *value < values[best]
        };
        if better {
            best = index;
        }
    }
    best
}

/// The points of `series` (lines over the same steps, of one length) a chart keeps, at most
/// about `most` in all: None when every point fits; else, in order, where each line is lowest
/// and highest in each stretch of steps, and the last point.
pub fn kept(series: &[&[f64]], most: usize) -> Option<Vec<usize>> {
    let len = series.iter().map(|values| values.len()).min()?;
    if len * series.len() <= most {
        return None;
    }
    let stretches = (most / (2 * series.len())).max(1);
    let stretch = len.div_ceil(stretches);
    let mut kept = Vec::with_capacity(2 * series.len() * stretches + 1);
    for from in (0..len).step_by(stretch) {
        let to = (from + stretch).min(len);
        let start = kept.len();
        for values in series {
            let part = &values[from..to];
            kept.push(from + extreme_index(part, false));
            kept.push(from + extreme_index(part, true));
        }
        kept[start..].sort_unstable();
        let mut distinct = start;
        for k in start..kept.len() {
            if k == start || kept[k] != kept[distinct - 1] {
                kept[distinct] = kept[k];
                distinct += 1;
            }
        }
        kept.truncate(distinct);
    }
    if kept.last() != Some(&(len - 1)) {
        kept.push(len - 1);
    }
    Some(kept)
}

/// [`kept`] with the points before `cut` and those from it thinned apart, each part within
/// `most`: a chart that shows the part before `cut` (a flush's first minutes of a long run)
/// keeps its detail there.
pub fn kept_around(series: &[&[f64]], cut: usize, most: usize) -> Option<Vec<usize>> {
    let len = series.iter().map(|values| values.len()).min()?;
    // Every point fits: no index lists built (a drag's every frame of a preset's run).
    if len * series.len() <= most {
        return None;
    }
    let cut = cut.min(len);
    let part = |range: std::ops::Range<usize>| -> Vec<usize> {
        let parts: Vec<&[f64]> = series.iter().map(|values| &values[range.clone()]).collect();
        match kept(&parts, most) {
            Some(kept) => kept.into_iter().map(|index| range.start + index).collect(),
            None => range.collect(),
        }
    };
    let (before, after) = (part(0..cut), part(cut..len));
    (before.len() + after.len() < len).then(|| [before, after].concat())
}

/// `values` at the points `kept` (all of them when None).
pub fn pick(values: &[f64], kept: Option<&[usize]>) -> Vec<f64> {
    match kept {
        Some(kept) => kept.iter().map(|&index| values[index]).collect(),
        None => values.to_vec(),
    }
}

/// One line of a chart, thinned on its own: its times and values.
pub fn line(times: &[f64], values: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let kept = kept(&[values], MOST_POINTS);
    (pick(times, kept.as_deref()), pick(values, kept.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_fits_is_kept_whole() {
        let values: Vec<f64> = (0..300).map(|k| k as f64).collect();
        assert_eq!(kept(&[&values], MOST_POINTS), None);
        let (times, line) = line(&values, &values);
        assert_eq!((times.len(), line.len()), (300, 300));
    }

    /// A 100,000-step line keeps its lowest and highest points (wherever they are), its last,
    /// and no more than the budget; each point kept is one of the line's, in order.
    #[test]
    fn a_long_line_keeps_its_extremes_and_its_end_within_the_budget() {
        let len = 100_001;
        let mut values: Vec<f64> = (0..len).map(|k| (k as f64 * 0.37).sin()).collect();
        values[54_321] = -7.5;
        values[77_777] = 9.25;
        let kept = kept(&[&values], MOST_POINTS).expect("thinned");
        assert!(kept.len() <= MOST_POINTS + 1, "{} points", kept.len());
        assert!(kept.windows(2).all(|pair| pair[0] < pair[1]));
        for index in [54_321, 77_777, len - 1] {
            assert!(kept.contains(&index), "point {index} lost");
        }
        let picked = pick(&values, Some(&kept));
        let low = picked.iter().copied().fold(f64::INFINITY, f64::min);
        let high = picked.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((low, high), (-7.5, 9.25));
    }

    /// A chart showing a run's first steps keeps them all, the rest thinned on its own.
    #[test]
    fn the_part_a_chart_shows_keeps_its_detail() {
        let values: Vec<f64> = (0..100_000).map(|k| (k as f64 * 0.1).cos()).collect();
        let kept = kept_around(&[&values], 500, MOST_POINTS).expect("thinned");
        assert_eq!(kept[..500], (0..500).collect::<Vec<_>>()[..]);
        assert!(kept.len() <= 500 + MOST_POINTS + 1);
        assert_eq!(kept.last(), Some(&99_999));
        assert!(kept.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(kept_around(&[&values[..2_000]], 500, MOST_POINTS), None);
    }

    /// Lines thinned together keep each one's extremes, on shared points (a stacked chart's
    /// layers stay aligned).
    #[test]
    fn lines_thinned_together_keep_each_ones_extremes() {
        let len = 50_000;
        let mut a = vec![0.0; len];
        let mut b = vec![1.0; len];
        a[1_234] = 5.0;
        b[40_000] = -3.0;
        let kept = kept(&[&a, &b], 1_000).expect("thinned");
        assert!(kept.len() <= 1_001);
        assert!(kept.contains(&1_234) && kept.contains(&40_000));
        assert_eq!(pick(&a, Some(&kept)).len(), pick(&b, Some(&kept)).len());
    }
}
