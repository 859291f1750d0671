// gpx agent run: the proxy in the foreground; start, stop, restart, status
// and logs: the same in the background.

#include "agent_control.hpp"
#include "context.hpp"
#include "settings.hpp"

#include <agent/config.hpp>
#include <agent/heap.hpp>
#include <agent/proxy_handler.hpp>
#include <agent/upstream.hpp>
#include <agent/server.hpp>
#include <cache/layout.hpp>
#include <cache/lock.hpp>
#include <gomod/sumdb_client.hpp>
#include <cache/log.hpp>
#include <cache/prune.hpp>
#include <cache/store.hpp>
#include <gomod/format.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
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
  std::string log_file;
};

// The log gpx agent start gave this agent (as its stdout and stderr):
// renamed to LOG.1 once past max_size and opened anew, so a long-running
// agent never fills the disk with its log.
void
rotate_log(const std::string& file, std::uint64_t max_size)
{
  std::error_code ec;
  if (file.empty() || max_size == 0 || std::filesystem::file_size(file, ec) <= max_size || ec) {
    return;
  }
  std::filesystem::rename(file, file + ".1", ec);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return;
  }
  ::dup2(fd, 1);
  ::dup2(fd, 2);
  ::close(fd);
  GPX_LOG(info, "log rotated previous={}", file + ".1");
}

// The listening socket systemd passes (sd_listen_fds: LISTEN_PID is us,
// LISTEN_FDS ≥ 1, the first is fd 3), or -1. The variables are cleared so
// that nothing this process starts believes they are meant for it.
int
activation_socket()
{
  const char* pid = std::getenv("LISTEN_PID");
  const char* fds = std::getenv("LISTEN_FDS");
  bool ours = pid != nullptr && fds != nullptr && std::atoi(pid) == static_cast<int>(getpid()) && std::atoi(fds) >= 1;
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_FDNAMES");
  if (!ours) {
    return -1;
  }
  fcntl(3, F_SETFD, FD_CLOEXEC);
  return 3;
}

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
  agent::tune_heap(); // before any thread
  auto store = cache::Store::open(config->cache_dir);
  if (!store) {
    return fail(store.error());
  }
  // One agent per cache dir: two would clean each other's temporaries.
  auto lock = cache::ProcessLock::acquire(config->cache_dir / "agent.lock");
  if (!lock) {
    return fail(lock.error(), "stop it ('gpx agent stop' or kill the pid), or give this one another --cache-dir");
  }
  // A previous run may have died mid-write: reconcile before serving.
  if (auto report = (*store)->recover(); !report) {
    return fail(report.error(), "move the cache dir aside, or run with another --cache-dir");
  }
  auto chain = agent::parse_proxy_list(config->upstream);
  if (!chain) {
    return fail(chain.error().wrap("upstream"), "set upstream in the config, GPX_UPSTREAM or --upstream");
  }
  auto upstream_options = agent::http_client_options(*config);
  upstream_options.spool_dir = (config->cache_dir / "tmp").string(); // split downloads spool beside the cache
  agent::Upstream upstream(std::move(*chain), upstream_options);
  agent::GitSource git(agent::git_source_options(*config));
  git.clear_stale(); // we hold the cache's lock
  upstream.set_direct([&git](const std::string& path, const agent::HttpClient::Sink* sink) { return git.get(path, sink); });
  auto sumdb = gomod::sumdb::parse_gosumdb(config->sumdb); // checked when the config was read
  if (!sumdb) {
    return fail(sumdb.error().wrap("sumdb"));
  }
  if (sumdb->off) {
    GPX_LOG(warn, "sumdb = off: public modules are cached without proof from a checksum database");
  }
  agent::HandlerOptions handler_options{config->offline, *sumdb, config->nosumdb_patterns, config->list_ttl,
                                        config->negative_ttl, config->stale_while_revalidate, config->private_patterns, &git};
  agent::ProxyHandler handler(**store, upstream, handler_options);
  agent::Server server(agent::ServerOptions{*listen, &handler});
  if (int fd = activation_socket(); fd >= 0) {
    if (auto port = server.adopt(fd); !port) {
      return fail(port.error());
    }
  } else if (auto port = server.bind(); !port) {
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
  agent::Metrics::Totals saved;
  auto save_counters = [&] {
    // Deltas since the last save, so `gpx stats` sums every run.
    auto now = handler.metrics().totals();
    (void)(*store)->with_index([&](cache::Index& index) -> Status {
      const std::pair<const char*, std::uint64_t> deltas[] = {
        {"hits", now.hits - saved.hits},
        {"misses", now.misses - saved.misses},
        {"upstream_errors", now.upstream_errors - saved.upstream_errors},
        {"bytes_served", now.bytes_served - saved.bytes_served},
        {"bytes_fetched", now.bytes_fetched - saved.bytes_fetched},
      };
      for (const auto& [name, delta] : deltas) {
        if (delta != 0) {
          GPX_TRY(index.add_counter(name, static_cast<std::int64_t>(delta)));
        }
      }
      saved = now;
      return {};
    });
  };
  std::thread flusher([&] {
    for (int round = 0; !done.load(); ++round) {
      for (int i = 0; i < 50 && !done.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      (void)(*store)->flush_usage();
      save_counters();
      rotate_log(o.log_file, config->log_max_size);
      if (budget.max_size > 0) {
        (void)cache::prune(**store, budget);
      }
      if (round % 12 == 0) { // about once a minute
        git.expire_unused();
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

std::vector<std::string>
run_args(const AgentOptions& o)
{
  std::vector<std::string> args;
  auto add = [&](const char* flag, const std::string& v) {
    if (!v.empty()) {
      args.push_back(flag);
      args.push_back(v);
    }
  };
  add("--listen", o.listen);
  // Relative paths would be read from the agent's directory, not ours.
  add("--cache-dir", o.cache_dir.empty() ? "" : std::filesystem::absolute(o.cache_dir).string());
  add("--config", o.config.empty() ? "" : std::filesystem::absolute(o.config).string());
  add("--upstream", o.upstream);
  if (o.offline) {
    args.push_back("--offline");
  }
  return args;
}

int
start_background(const AgentOptions& o)
{
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  if (auto running = find_agent(*paths)) {
    std::cout << format("gpx agent already running at {} (pid {})\n", running->url, running->pid);
    return 0;
  }
  auto started = start_agent(*paths, run_args(o));
  if (!started) {
    return fail(started.error(), format("read {} for the agent's own messages", paths->log_file.string()));
  }
  std::cout << format("gpx agent started at {} (pid {}); logs: {}\n", started->url, started->pid, paths->log_file.string());
  return 0;
}

int
stop_background()
{
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  auto stopped = stop_agent(*paths);
  if (!stopped) {
    return fail(stopped.error());
  }
  std::cout << (*stopped ? "gpx agent stopped\n" : "gpx agent was not running\n");
  return 0;
}

int
show_status()
{
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  auto config = load_settings("");
  auto running = config ? find_any_agent(*paths, config->listen) : find_agent(*paths);
  if (!running) {
    std::cout << "gpx agent is not running (start it with 'gpx agent start')\n";
    return 1;
  }
  if (running->pid == 0) {
    std::cout << format("gpx agent answers at {} (not started by 'gpx agent start': a service, or one in a terminal)\n", running->url);
    return 0;
  }
  std::cout << format("gpx agent running at {} (pid {}), {}\n",
                      running->url,
                      running->pid,
                      running->healthy ? "healthy" : "NOT answering /healthz");
  return running->healthy ? 0 : 1;
}

int
show_logs(int lines)
{
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  std::ifstream in(paths->log_file, std::ios::binary);
  if (!in) {
    return fail(make_error(Error::Code::io, format("no agent log at {}", paths->log_file.string())),
                "the log starts with the first 'gpx agent start'");
  }
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) {
    all.push_back(std::move(line));
  }
  auto first = all.size() > static_cast<std::size_t>(lines) ? all.size() - static_cast<std::size_t>(lines) : 0;
  for (auto i = first; i < all.size(); ++i) {
    std::cout << all[i] << "\n";
  }
  return 0;
}

void
add_agent_flags(CLI::App* cmd, AgentOptions& o)
{
  cmd->add_option("--listen", o.listen, "loopback address to listen on (default 127.0.0.1:7070); port 0 picks a free one");
  cmd->add_option("--cache-dir", o.cache_dir, "cache directory (default $XDG_CACHE_HOME/gpx)");
  cmd->add_option("--config", o.config, "config file (default $XDG_CONFIG_HOME/gpx/config.toml)");
  cmd->add_option("--upstream", o.upstream, "upstream chain in GOPROXY syntax (default https://proxy.golang.org,direct)");
  cmd->add_flag("--offline", o.offline, "serve from the cache only");
}

} // namespace

void
register_agent(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<AgentOptions>();
  auto* agent = app.add_subcommand("agent", "Run and manage the local proxy agent");
  agent->require_subcommand(1);
  auto* run = agent->add_subcommand("run", "Run the agent in the foreground");
  add_agent_flags(run, *o);
  run->add_option("--log-file", o->log_file, "the file stdout and stderr go to, rotated past log_max_size (gpx agent start sets it)");
  run->footer("The first line on stdout is 'gpx agent listening on http://HOST:PORT'.\n\n"
              "Examples:\n"
              "  gpx agent run\n"
              "  gpx agent run --listen 127.0.0.1:0 --cache-dir /tmp/gpx-cache\n"
              "  curl http://127.0.0.1:7070/healthz");
  run->callback([o, &ctx] { ctx.exit_code = run_agent(*o); });

  auto* start = agent->add_subcommand("start", "Start the agent in the background (no-op if it runs)");
  add_agent_flags(start, *o);
  start->footer("The pid and address go to $XDG_STATE_HOME/gpx/agent.pid, its output to agent.log there.\n\n"
                "Examples:\n"
                "  gpx agent start\n"
                "  gpx agent start --listen 127.0.0.1:7171 --upstream https://goproxy.corp.example");
  start->callback([o, &ctx] { ctx.exit_code = start_background(*o); });

  auto* stop = agent->add_subcommand("stop", "Stop the background agent");
  stop->footer("Example:\n  gpx agent stop");
  stop->callback([&ctx] { ctx.exit_code = stop_background(); });

  auto* restart = agent->add_subcommand("restart", "Stop, then start the background agent");
  add_agent_flags(restart, *o);
  restart->footer("Example:\n  gpx agent restart --offline");
  restart->callback([o, &ctx] {
    ctx.exit_code = stop_background();
    if (ctx.exit_code == 0) {
      ctx.exit_code = start_background(*o);
    }
  });

  auto* status = agent->add_subcommand("status", "Say whether the background agent runs, where, and if it answers");
  status->footer("Exit status 0 when it runs and answers /healthz, 1 otherwise.\n\nExample:\n  gpx agent status");
  status->callback([&ctx] { ctx.exit_code = show_status(); });

  auto lines = std::make_shared<int>(50);
  auto* logs = agent->add_subcommand("logs", "Print the end of the background agent's log");
  logs->add_option("-n,--lines", *lines, "how many lines (default 50)")->check(CLI::PositiveNumber);
  logs->footer("Example:\n  gpx agent logs -n 200");
  logs->callback([lines, &ctx] { ctx.exit_code = show_logs(*lines); });
}

} // namespace gpx::cli
