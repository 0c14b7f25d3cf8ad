//! One way to run a test server in the background: its own thread and its own
//! current-thread tokio runtime, so tests stay plain `#[test]` functions that run the
//! certdoctor binary with `std::process`. The fake API server, the DNS servers and the
//! HTTP-01 server all start this way and all stop the same way: dropping the handle sends
//! the stop signal, gives open connections 200 ms, and joins the thread.

use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// A server running on its own thread; stops when dropped.
pub struct Background {
    runtime: Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Runs `serve(stop)` on a new thread named `name`. `serve` should return soon after
    /// `stop` resolves; tasks it spawned are cancelled 200 ms later.
    pub fn spawn<F, Fut>(name: &str, serve: F) -> Background
    where
        F: FnOnce(oneshot::Receiver<()>) -> Fut + Send + 'static,
        Fut: Future<Output = ()>,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test server runtime");
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                runtime.block_on(serve(stopped));
                runtime.shutdown_timeout(Duration::from_millis(200));
            })
            .expect("spawn test server thread");
        Background {
            runtime: handle,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The server's runtime, to run work next to it (e.g. a zone update).
    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
