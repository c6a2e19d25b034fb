fn main() {
    println!("{}", flushlab_engine::fire_sale_drawdown_pct(-5.0, 0.5));
}
