//! Columns of 8-place fixed-point numbers, held in 64 bits while every value allows it.

/// A column of 8-place fixed-point numbers, held in 64 bits while every value is below 2^62 in
/// magnitude (so a sum or difference of two still fits), else in 128: half the memory for every
/// everyday population, and 64-bit arithmetic where a column is [`Self::small`].
#[derive(Clone, Debug, PartialEq)]
pub enum FixedColumn {
    Small(Vec<i64>),
    Wide(Vec<i128>),
}

impl Default for FixedColumn {
    fn default() -> FixedColumn {
        FixedColumn::Small(Vec::new())
    }
}

impl FixedColumn {
    #[inline(always)]
    pub fn get(&self, i: usize) -> i128 {
        match self {
            FixedColumn::Small(values) => i128::from(values[i]),
            FixedColumn::Wide(values) => values[i],
        }
    }

    /// The values, when they are held in 64 bits.
    pub fn small(&self) -> Option<&[i64]> {
        match self {
            FixedColumn::Small(values) => Some(values),
            FixedColumn::Wide(_) => None,
        }
    }

    /// Takes the column's 64-bit buffer (emptied, `len` long) to be refilled.
    pub fn take_buffer(&mut self, len: usize) -> Vec<i64> {
        let mut values = match std::mem::take(self) {
            FixedColumn::Small(values) => values,
            FixedColumn::Wide(_) => Vec::new(),
        };
        values.resize(len, 0);
        values
    }

    /// The column of `small`, a buffer filled with values' low 64 bits, if `fits` (every value
    /// is below 2^62 in magnitude, see [`fits_small`]); else of the values `wide` gives.
    pub fn filled(small: Vec<i64>, fits: bool, wide: impl FnOnce() -> Vec<i128>) -> FixedColumn {
        if fits {
            FixedColumn::Small(small)
        } else {
            FixedColumn::Wide(wide())
        }
    }

    /// Sets value `i`, holding the column in 128 bits from then on if the value needs it.
    pub fn set(&mut self, i: usize, value: i128) {
        match self {
            FixedColumn::Small(values) if fits_small(value) => values[i] = value as i64,
            FixedColumn::Small(values) => {
                let mut wide: Vec<i128> = values.iter().map(|&v| i128::from(v)).collect();
                wide[i] = value;
                *self = FixedColumn::Wide(wide);
            }
            FixedColumn::Wide(values) => values[i] = value,
        }
    }

    #[inline(always)]
    pub fn push(&mut self, value: i128) {
        match self {
            FixedColumn::Small(values) if fits_small(value) => values.push(value as i64),
            FixedColumn::Small(values) => {
                let mut wide: Vec<i128> = values.iter().map(|&v| i128::from(v)).collect();
                wide.push(value);
                *self = FixedColumn::Wide(wide);
            }
            FixedColumn::Wide(values) => values.push(value),
        }
    }
}

/// Whether `value` is held in a [`FixedColumn::Small`].
#[inline(always)]
pub fn fits_small(value: i128) -> bool {
    value.unsigned_abs() < 1 << 62
}

impl FromIterator<i128> for FixedColumn {
    fn from_iter<I: IntoIterator<Item = i128>>(values: I) -> FixedColumn {
        let mut column = FixedColumn::default();
        for value in values {
            column.push(value);
        }
        column
    }
}
