// gpx agent run: the proxy in the foreground; start, stop, restart, status
// and logs: the same in the background.

#include "agent_control.hpp"
#include "agent_record.hpp"
#include "agent_steps.hpp"
#include "context.hpp"
#include "settings.hpp"

#include <agent/config.hpp>
#include <agent/curl_api.hpp>
#include <agent/heap.hpp>
#include <agent/proxy_handler.hpp>
#include <agent/server.hpp>
#include <agent/upstream.hpp>
#include <cache/layout.hpp>
#include <cache/lock.hpp>
#include <cache/log.hpp>
#include <cache/prune.hpp>
#include <cache/store.hpp>
#include <gomod/format.hpp>
#include <gomod/sumdb_client.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

namespace gpx::cli {

namespace {

// The log gpx agent start gave this agent (as its stdout and stderr):
// renamed to LOG.1 once past max_size and opened anew, so a long-running
// agent never fills the disk with its log.
void
rotate_log(const std::string& file, std::uint64_t max_size)
{
  std::error_code ec;
  if (file.empty() || max_size == 0
      || std::filesystem::file_size(file, ec) <= max_size || ec) {
    return;
  }
  std::filesystem::rename(file, file + ".1", ec);
  int fd =
    ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
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
  bool ours = pid != nullptr && fds != nullptr
              && std::atoi(pid) == static_cast<int>(getpid())
              && std::atoi(fds) >= 1;
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_FDNAMES");
  if (!ours) {
    return -1;
  }
  fcntl(3, F_SETFD, FD_CLOEXEC);
  return 3;
}

// Last-used times are batched in memory so that a hit costs no disk
// write; they reach the index every few seconds and at exit. The same pass
// keeps the cache under max_size, as ccache does after each write, saves
// the counters, rotates the log and drops unused git mirrors.
class Housekeeping
{
public:
  Housekeeping(cache::Store& store,
               agent::ProxyHandler& handler,
               agent::GitSource& git,
               const agent::Config& config,
               std::string log_file)
    : m_store(store),
      m_handler(handler),
      m_git(git),
      m_config(config),
      m_log_file(std::move(log_file))
  {
  }

  // One round; `round` counts them, for what runs less often.
  void
  run_once(int round)
  {
    (void)m_store.flush_usage();
    save_counters();
    rotate_log(m_log_file, m_config.log_max_size);
    if (m_config.max_size > 0) {
      cache::PruneOptions budget;
      budget.max_size = m_config.max_size;
      (void)cache::prune(m_store, budget);
    }
    if (round % 12 == 0) { // about once a minute
      m_git.expire_unused();
    }
  }

  // Rounds every 5 s until `done`, and one more at the end.
  void
  run_until(const std::atomic<bool>& done)
  {
    for (int round = 0; !done.load(); ++round) {
      for (int i = 0; i < 50 && !done.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      run_once(round);
    }
  }

private:
  // Deltas since the last save, so `gpx stats` sums every run.
  void
  save_counters()
  {
    auto now = m_handler.metrics().totals();
    (void)m_store.with_index([&](cache::Index& index) -> Status {
      const std::pair<const char*, std::uint64_t> deltas[] = {
        {"hits", now.hits - m_saved.hits},
        {"misses", now.misses - m_saved.misses},
        {"upstream_errors", now.upstream_errors - m_saved.upstream_errors},
        {"bytes_served", now.bytes_served - m_saved.bytes_served},
        {"bytes_fetched", now.bytes_fetched - m_saved.bytes_fetched},
      };
      for (const auto& [name, delta] : deltas) {
        if (delta != 0) {
          GPX_TRY(index.add_counter(name, static_cast<std::int64_t>(delta)));
        }
      }
      m_saved = now;
      return {};
    });
  }

  cache::Store& m_store;
  agent::ProxyHandler& m_handler;
  agent::GitSource& m_git;
  const agent::Config& m_config;
  std::string m_log_file;
  agent::Metrics::Totals m_saved;
};

// Binds the socket systemd passed, or our own.
Status
bind_server(agent::Server& server)
{
  if (int fd = activation_socket(); fd >= 0) {
    if (auto port = server.adopt(fd); !port) {
      return port.error();
    }
  } else if (auto port = server.bind(); !port) {
    return port.error();
  }
  return {};
}

// Serves until SIGINT or SIGTERM, with the housekeeping beside it.
Status
serve(agent::Server& server,
      Housekeeping& housekeeping,
      const std::string& log_line)
{
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
  GPX_LOG(info, "{}", log_line);
  std::thread flusher([&] { housekeeping.run_until(done); });
  auto ran = server.run();
  done = true;
  flusher.join();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ran;
}

int
run_agent(const AgentOptions& o)
{
  auto config = load_agent_config(o);
  if (!config) {
    return fail(config.error());
  }
  if (auto level = cache::log::parse_level(config->log_level)) {
    cache::log::set_level(*level);
  }
  auto plan = plan_agent(*config);
  if (!plan) {
    return fail(
      plan.error(),
      "fix it in the config file, its GPX_ environment variable or the flag");
  }
  agent::tune_heap(); // before any thread
  auto store = cache::Store::open(config->cache_dir);
  if (!store) {
    return fail(store.error());
  }
  // One agent per cache dir: two would clean each other's temporaries.
  auto lock = cache::ProcessLock::acquire(config->cache_dir / "agent.lock");
  if (!lock) {
    return fail(lock.error(),
                "stop it ('gpx agent stop' or kill the pid), or give this one "
                "another --cache-dir");
  }
  // A previous run may have died mid-write: reconcile before serving.
  if (auto report = (*store)->recover(); !report) {
    return fail(report.error(),
                "move the cache dir aside, or run with another --cache-dir");
  }
  auto upstream_options = agent::http_client_options(*config);
  upstream_options.spool_dir =
    (config->cache_dir / "tmp")
      .string(); // split downloads spool beside the cache
  // One budget for every upstream transfer of this agent (see
  // agent/transfer_slots.hpp).
  upstream_options.slots =
    std::make_shared<agent::TransferSlots>(config->upstream_connections);
  // libcurl goes once the upstreams have been quiet for a while, and the
  // index's page cache with it (see agent/curl_api.hpp); the hook goes
  // before the store.
  agent::set_curl_idle(config->upstream_idle);
  agent::when_curl_unloaded([&s = **store] { s.release_memory(); });
  struct Unhook
  {
    ~Unhook()
    {
      agent::when_curl_unloaded({});
    }
  } unhook;
  agent::Upstream upstream(plan->chain, upstream_options);
  agent::GitSource git(agent::git_source_options(*config));
  git.clear_stale(); // we hold the cache's lock
  upstream.set_direct(
    [&git](const std::string& path, const agent::HttpClient::Sink* sink) {
      return git.get(path, sink);
    });
  if (plan->sumdb.off) {
    GPX_LOG(warn,
            "sumdb = off: public modules are cached without proof from a "
            "checksum database");
  }
  agent::HandlerOptions handler_options{config->offline,
                                        plan->sumdb,
                                        config->nosumdb_patterns,
                                        config->list_ttl,
                                        config->negative_ttl,
                                        config->stale_while_revalidate,
                                        config->private_patterns,
                                        &git};
  agent::ProxyHandler handler(**store, upstream, handler_options);
  agent::Server server(agent::ServerOptions{plan->listen, &handler});
  if (auto bound = bind_server(server); !bound) {
    return fail(bound.error());
  }
  Housekeeping housekeeping(**store, handler, git, *config, o.log_file);
  // So that gpx status finds this agent through its cache, however it was
  // started; removed at exit while the lock is still held, so a successor's
  // record is never the one removed.
  std::string chain_text;
  for (const auto& spec : upstream.chain()) {
    chain_text += (chain_text.empty() ? "" : ",") + spec.redacted_url;
  }
  auto started_at = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  if (auto ok = write_agent_record(config->cache_dir,
                                   AgentRecord{static_cast<int>(getpid()),
                                               server.url(),
                                               chain_text,
                                               config->offline,
                                               started_at});
      !ok) {
    GPX_LOG(warn,
            "cannot record the agent in its cache dir error={:?}",
            ok.error().message);
  }
  auto ran = serve(
    server, housekeeping, start_log_line(server.url(), *config, plan->chain));
  remove_agent_record(config->cache_dir);
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
  add("--cache-dir",
      o.cache_dir.empty() ? ""
                          : std::filesystem::absolute(o.cache_dir).string());
  add("--config",
      o.config.empty() ? "" : std::filesystem::absolute(o.config).string());
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
    std::cout << format(
      "gpx agent already running at {} (pid {})\n", running->url, running->pid);
    return 0;
  }
  auto started = start_agent(*paths, run_args(o));
  if (!started) {
    return fail(
      started.error(),
      format("read {} for the agent's own messages", paths->log_file.string()));
  }
  std::cout << format("gpx agent started at {} (pid {}); logs: {}\n",
                      started->url,
                      started->pid,
                      paths->log_file.string());
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
  std::cout << (*stopped ? "gpx agent stopped\n"
                         : "gpx agent was not running\n");
  return 0;
}

// The new agent's config and address are checked first: a restart that
// cannot start a new agent must not stop the old one.
int
restart_background(const AgentOptions& o)
{
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  auto running = find_agent(*paths);
  if (auto ok = check_new_agent(o, running ? running->url : ""); !ok) {
    return fail(ok.error(),
                "the running agent was left as it is; fix that, then run 'gpx "
                "agent restart' again");
  }
  if (int stopped = stop_background(); stopped != 0) {
    return stopped;
  }
  return start_background(o);
}

int
show_status(bool json)
{
  auto paths = agent_paths();
  if (!paths) {
    return fail(paths.error());
  }
  auto config = load_settings("");
  auto running = config
                   ? find_agent_for(*paths, config->cache_dir, config->listen)
                   : find_agent(*paths);
  int code = running && running->healthy ? 0 : 1;
  if (json) {
    std::cout << nlohmann::json{{"agent", agent_json(running)}}.dump() << "\n";
    return code;
  }
  if (!running) {
    std::cout << "gpx agent is not running (start it with 'gpx agent start')\n";
    return 1;
  }
  if (running->pid == 0) {
    std::cout << format(
      "gpx agent answers at {} (not started by 'gpx agent start': a service, "
      "or one in a terminal)\n",
      running->url);
    return 0;
  }
  std::cout << "gpx agent "
            << describe_agent(
                 *running, config ? config->cache_dir : std::filesystem::path())
            << "\n";
  if (!running->upstream.empty()) {
    std::cout << format("upstream: {}\n", running->upstream);
  }
  return code;
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
    return fail(
      Error::io(format("no agent log at {}", paths->log_file.string())),
      "the log starts with the first 'gpx agent start'");
  }
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) {
    all.push_back(std::move(line));
  }
  auto first = all.size() > static_cast<std::size_t>(lines)
                 ? all.size() - static_cast<std::size_t>(lines)
                 : 0;
  for (auto i = first; i < all.size(); ++i) {
    std::cout << all[i] << "\n";
  }
  return 0;
}

void
add_agent_flags(CLI::App* cmd, AgentOptions& o)
{
  cmd
    ->add_option("--listen",
                 o.listen,
                 "loopback address to listen on (default 127.0.0.1:7070); port "
                 "0 picks a free one")
    ->type_name("ADDR");
  cmd
    ->add_option("--cache-dir",
                 o.cache_dir,
                 "cache directory (default $XDG_CACHE_HOME/gpx)")
    ->type_name("DIR");
  cmd
    ->add_option("--config",
                 o.config,
                 "config file (default $XDG_CONFIG_HOME/gpx/config.toml)")
    ->type_name("FILE");
  cmd
    ->add_option("--upstream",
                 o.upstream,
                 "upstream chain in GOPROXY syntax (default "
                 "https://proxy.golang.org,direct)")
    ->type_name("LIST");
  cmd->add_flag("--offline", o.offline, "serve from the cache only");
}

} // namespace

void
register_agent(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<AgentOptions>();
  auto* agent =
    app.add_subcommand("agent", "Run and manage the local proxy agent");
  agent->require_subcommand(1);
  agent->footer(
    "Examples:\n"
    "  gpx agent start                    start it in the background\n"
    "  gpx agent status                   is it up, and where\n"
    "  gpx agent logs -n 100              the end of its log\n"
    "  gpx agent restart --offline        serve from the cache only from now "
    "on\n"
    "  gpx agent run --listen 127.0.0.1:0 in the foreground, on a free port\n"
    "\nRun 'gpx help agent COMMAND' for more.");
  auto* run = agent->add_subcommand("run", "Run the agent in the foreground");
  add_agent_flags(run, *o);
  run
    ->add_option("--log-file",
                 o->log_file,
                 "the file stdout and stderr go to, rotated past log_max_size "
                 "(gpx agent start sets it)")
    ->type_name("FILE");
  run->footer(
    "The first line on stdout is 'gpx agent listening on http://HOST:PORT'.\n\n"
    "Examples:\n"
    "  gpx agent run\n"
    "  gpx agent run --listen 127.0.0.1:0 --cache-dir /tmp/gpx-cache\n"
    "  curl http://127.0.0.1:7070/healthz");
  run->callback([o, &ctx] { ctx.exit_code = run_agent(*o); });

  auto* start = agent->add_subcommand(
    "start", "Start the agent in the background (no-op if it runs)");
  add_agent_flags(start, *o);
  start->footer(
    "The pid and address go to $XDG_STATE_HOME/gpx/agent.pid, its output to "
    "agent.log there.\n\n"
    "Examples:\n"
    "  gpx agent start\n"
    "  gpx agent start --listen 127.0.0.1:7171 --upstream "
    "https://goproxy.corp.example");
  start->callback([o, &ctx] { ctx.exit_code = start_background(*o); });

  auto* stop = agent->add_subcommand("stop", "Stop the background agent");
  stop->footer("Example:\n  gpx agent stop");
  stop->callback([&ctx] { ctx.exit_code = stop_background(); });

  auto* restart =
    agent->add_subcommand("restart", "Stop, then start the background agent");
  add_agent_flags(restart, *o);
  restart->footer("Example:\n  gpx agent restart --offline");
  restart->callback([o, &ctx] { ctx.exit_code = restart_background(*o); });

  auto status_json = std::make_shared<bool>(false);
  auto* status = agent->add_subcommand(
    "status", "Say whether the agent runs, where, and if it answers");
  status->add_flag("--json",
                   *status_json,
                   "print the agent as JSON (schema: docs/gpx.schema.json, "
                   "$defs/agent_status)");
  status->footer(
    "Finds the agent of 'gpx agent start', the one holding the configured "
    "cache dir (one run in a terminal\n"
    "or by a service), or one answering at the configured listen address.\n"
    "Exit status 0 when it runs and answers /healthz, 1 otherwise.\n\n"
    "Examples:\n  gpx agent status\n  gpx agent status --json");
  status->callback(
    [status_json, &ctx] { ctx.exit_code = show_status(*status_json); });

  auto lines = std::make_shared<int>(50);
  auto* logs = agent->add_subcommand(
    "logs", "Print the end of the background agent's log");
  logs->add_option("-n,--lines", *lines, "how many lines (default 50)")
    ->check(CLI::Range(1, 1000000));
  logs->footer("Example:\n  gpx agent logs -n 200");
  logs->callback([lines, &ctx] { ctx.exit_code = show_logs(*lines); });
}

} // namespace gpx::cli
