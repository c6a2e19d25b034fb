use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    c.bench_function("fire_sale", |b| {
        b.iter(|| flushlab_engine::fire_sale_drawdown_pct(-5.0, 0.5))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
