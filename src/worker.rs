//! Entry point of the compute worker (Trunk builds it as a worker: see index.html): answer the
//! page's messages. Nothing else lives here.

fn main() {
    flushlab::compute::host::start();
}
