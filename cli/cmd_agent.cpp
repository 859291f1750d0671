// gpx agent run: the proxy in the foreground.

#include "context.hpp"

#include <agent/config.hpp>
#include <agent/proxy_handler.hpp>
#include <agent/upstream.hpp>
#include <agent/server.hpp>
#include <cache/layout.hpp>
#include <cache/log.hpp>
#include <cache/prune.hpp>
#include <cache/store.hpp>
#include <gomod/format.hpp>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <thread>

namespace gpx::cli {

namespace {

struct AgentOptions
{
  std::string listen;
  std::string cache_dir;
  std::string config;
  std::string upstream;
  bool offline = false;
};

int
run_agent(const AgentOptions& o)
{
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return fail(dirs.error());
  }
  agent::ConfigOverrides flags;
  if (!o.listen.empty()) {
    flags["listen"] = o.listen;
  }
  if (!o.cache_dir.empty()) {
    flags["cache_dir"] = o.cache_dir;
  }
  if (!o.upstream.empty()) {
    flags["upstream"] = o.upstream;
  }
  if (o.offline) {
    flags["offline"] = "true";
  }
  bool explicit_config = !o.config.empty() || std::getenv("GPX_CONFIG") != nullptr;
  auto config = agent::load_config(o.config.empty() ? dirs->config_file : std::filesystem::path(o.config),
                                   explicit_config,
                                   dirs->cache_dir,
                                   flags);
  if (!config) {
    return fail(config.error());
  }
  if (auto level = log::parse_level(config->log_level)) {
    log::set_level(*level);
  }
  auto listen = agent::parse_listen_address(config->listen);
  if (!listen) {
    return fail(listen.error(), "use e.g. --listen 127.0.0.1:7070");
  }
  auto store = cache::Store::open(config->cache_dir);
  if (!store) {
    return fail(store.error());
  }
  // A previous run may have died mid-write: reconcile before serving.
  if (auto report = (*store)->recover(); !report) {
    return fail(report.error(), "move the cache dir aside, or run with another --cache-dir");
  }
  auto chain = agent::parse_proxy_list(config->upstream);
  if (!chain) {
    return fail(chain.error().wrap("upstream"), "set upstream in the config, GPX_UPSTREAM or --upstream");
  }
  agent::HttpClientOptions http;
  http.ca_file = config->ca_file;
  http.client_cert = config->client_cert;
  http.client_key = config->client_key;
  http.connect_timeout = config->connect_timeout;
  http.stall_timeout = config->stall_timeout;
  agent::Upstream upstream(std::move(*chain), http);
  agent::ProxyHandler handler(**store,
                              upstream,
                              agent::HandlerOptions{config->offline, config->sumdb, config->list_ttl, config->negative_ttl, config->stale_while_revalidate});
  agent::Server server(agent::ServerOptions{*listen, &handler});
  if (auto port = server.bind(); !port) {
    return fail(port.error());
  }

  // SIGINT/SIGTERM are taken by a dedicated thread with sigwait, because
  // stopping the server is not async-signal-safe. Blocked before any server
  // thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    // stop() is a no-op until the accept loop runs: repeat until it ends.
    while (!done.load()) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  // Tests and scripts read this first line to learn the port.
  std::cout << "gpx agent listening on " << server.url() << std::endl;
  std::string chain_text;
  for (const auto& spec : upstream.chain()) {
    chain_text += (chain_text.empty() ? "" : ",") + spec.redacted_url;
  }
  GPX_LOG(info, "agent started url={} cache={} upstream={} offline={}", server.url(), config->cache_dir.string(), chain_text, config->offline);
  // Last-used times are batched in memory so that a hit costs no disk
  // write; they reach the index every few seconds and at exit. The same
  // pass keeps the cache under max_size, as ccache does after each write.
  cache::PruneOptions budget;
  budget.max_size = config->max_size;
  std::thread flusher([&] {
    while (!done.load()) {
      for (int i = 0; i < 50 && !done.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      (void)(*store)->flush_usage();
      if (budget.max_size > 0) {
        (void)cache::prune(**store, budget);
      }
    }
  });
  auto ran = server.run();
  done = true;
  flusher.join();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!ran) {
    return fail(ran.error());
  }
  return 0;
}

} // namespace

void
register_agent(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<AgentOptions>();
  auto* agent = app.add_subcommand("agent", "Run and manage the local proxy agent");
  agent->require_subcommand(1);
  auto* run = agent->add_subcommand("run", "Run the agent in the foreground");
  run->add_option("--listen", o->listen, "loopback address to listen on (default 127.0.0.1:7070); port 0 picks a free one");
  run->add_option("--cache-dir", o->cache_dir, "cache directory (default $XDG_CACHE_HOME/gpx)");
  run->add_option("--config", o->config, "config file (default $XDG_CONFIG_HOME/gpx/config.toml)");
  run->add_option("--upstream", o->upstream, "upstream chain in GOPROXY syntax (default https://proxy.golang.org,direct)");
  run->add_flag("--offline", o->offline, "serve from the cache only");
  run->footer("The first line on stdout is 'gpx agent listening on http://HOST:PORT'.\n\n"
              "Examples:\n"
              "  gpx agent run\n"
              "  gpx agent run --listen 127.0.0.1:0 --cache-dir /tmp/gpx-cache\n"
              "  curl http://127.0.0.1:7070/healthz");
  run->callback([o, &ctx] { ctx.exit_code = run_agent(*o); });
}

} // namespace gpx::cli
