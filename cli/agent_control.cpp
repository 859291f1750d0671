#include "agent_control.hpp"

#include "agent_record.hpp"

#include <agent/http_client.hpp>
#include <agent/process.hpp>
#include <cache/atomic_file.hpp>
#include <cache/layout.hpp>
#include <gomod/format.hpp>

#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

// A log past this size is rotated when an agent starts (a running agent
// rotates its own at log_max_size).
constexpr std::uintmax_t k_log_rotate_size = 10u << 20;

bool
alive_gpx(int pid)
{
  if (pid <= 0 || kill(pid, 0) != 0) {
    return false;
  }
  // A recycled pid belongs to some other program: not ours to signal.
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return !ec && exe.filename().string().starts_with("gpx");
}

std::string
tail_lines(const fs::path& file, std::uintmax_t from, int max_lines)
{
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  std::string out;
  for (std::size_t i = lines.size() > static_cast<std::size_t>(max_lines)
                         ? lines.size() - max_lines
                         : 0;
       i < lines.size();
       ++i) {
    out += lines[i] + "\n";
  }
  return out;
}

} // namespace

Result<AgentPaths>
agent_paths()
{
  auto dirs = cache::default_dirs();
  if (!dirs) {
    return dirs.error();
  }
  // The state dir holds the pid, the admin token and logs: the user's alone.
  GPX_TRY(cache::make_private_dir(dirs->state_dir));
  return AgentPaths{dirs->state_dir / "agent.pid",
                    dirs->state_dir / "agent.log"};
}

bool
answers_healthz(const std::string& url)
{
  agent::HttpClientOptions quick;
  quick.connect_timeout = std::chrono::seconds(2);
  quick.stall_timeout = std::chrono::seconds(2);
  agent::HttpClient client(quick);
  auto r = client.get(url + "/healthz", 1024);
  return r && r->status == 200;
}

std::optional<RunningAgent>
find_agent(const AgentPaths& paths)
{
  std::ifstream in(paths.pid_file);
  RunningAgent a;
  if (!(in >> a.pid >> a.url) || !alive_gpx(a.pid)) {
    return std::nullopt;
  }
  a.healthy = answers_healthz(a.url);
  a.found_by = "pid_file";
  return a;
}

std::optional<RunningAgent>
find_any_agent(const AgentPaths& paths, const std::string& listen)
{
  if (auto a = find_agent(paths)) {
    return a;
  }
  auto url = "http://" + listen;
  if (answers_healthz(url)) {
    return RunningAgent{0, url, true, "", 0, "listen"};
  }
  return std::nullopt;
}

std::optional<RunningAgent>
find_agent_for(const AgentPaths& paths,
               const fs::path& cache_dir,
               const std::string& listen)
{
  auto started = find_agent(paths);
  if (auto record = cache_agent(cache_dir); record && alive_gpx(record->pid)) {
    if (started && started->pid == record->pid) {
      // The agent of 'gpx agent start': its record adds what it really uses.
      started->upstream = record->upstream;
      started->started_at = record->started_at;
      return started;
    }
    RunningAgent a{record->pid,
                   record->url,
                   false,
                   record->upstream,
                   record->started_at,
                   "cache_lock"};
    a.healthy = !a.url.empty() && answers_healthz(a.url);
    return a;
  }
  if (started) {
    return started;
  }
  return find_any_agent(paths, listen);
}

std::string
describe_agent(const RunningAgent& agent, const fs::path& cache_dir)
{
  return format("running at {} (pid {}{}), {}",
                agent.url.empty() ? "an unknown address" : agent.url,
                agent.pid,
                agent.found_by == "cache_lock"
                  ? format(", serving {}", cache_dir.string())
                  : "",
                agent.healthy ? "healthy" : "NOT answering /healthz");
}

std::string
rfc3339(std::int64_t unix_seconds)
{
  auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return stamp;
}

nlohmann::json
agent_json(const std::optional<RunningAgent>& agent)
{
  auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  if (!agent) {
    return {{"running", false},
            {"healthy", false},
            {"pid", nullptr},
            {"url", nullptr},
            {"upstream", nullptr},
            {"found_by", nullptr},
            {"started_at", nullptr}};
  }
  return {
    {"running", true},
    {"healthy", agent->healthy},
    {"pid", agent->pid > 0 ? nlohmann::json(agent->pid) : nlohmann::json()},
    {"url", or_null(agent->url)},
    {"upstream", or_null(agent->upstream)},
    {"found_by", or_null(agent->found_by)},
    {"started_at",
     agent->started_at > 0 ? nlohmann::json(rfc3339(agent->started_at))
                           : nlohmann::json()}};
}

Result<RunningAgent>
start_agent(const AgentPaths& paths, const std::vector<std::string>& run_args)
{
  if (auto running = find_agent(paths)) {
    return *running;
  }
  std::error_code ec;
  if (fs::file_size(paths.log_file, ec) > k_log_rotate_size && !ec) {
    fs::rename(paths.log_file, paths.log_file.string() + ".1", ec);
  }
  auto offset = fs::file_size(paths.log_file, ec);
  if (ec) {
    offset = 0;
  }
  std::vector<std::string> argv{agent::self_exe().string(),
                                "agent",
                                "run",
                                "--log-file",
                                paths.log_file.string()};
  argv.insert(argv.end(), run_args.begin(), run_args.end());
  auto pid = agent::spawn_detached(argv, paths.log_file);
  if (!pid) {
    return pid.error();
  }
  // Its first stdout line (in the log) says where it listens; give up when
  // it exits first or after a while.
  const std::string announce = "gpx agent listening on ";
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(paths.log_file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with(announce)) {
        RunningAgent a{
          *pid, line.substr(announce.size()), true, "", 0, "pid_file"};
        auto record = format("{}\n{}\n", a.pid, a.url);
        if (auto ok = cache::write_file_atomic(paths.pid_file, record); !ok) {
          kill(a.pid, SIGTERM);
          return ok.error();
        }
        return a;
      }
    }
    int status = 0;
    if (waitpid(*pid, &status, WNOHANG) == *pid) {
      // Its own error line says why; the message stays on one line.
      std::string why;
      std::istringstream lines(tail_lines(paths.log_file, offset, 20));
      for (std::string said; std::getline(lines, said);) {
        if (said.starts_with("gpx: error: ")) {
          why = said.substr(12);
        } else if (why.empty() && !said.empty()) {
          why = said;
        }
      }
      return Error::io(format("the agent exited at start: {}",
                              why.empty() ? "no message" : why));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(*pid, SIGTERM);
  return Error::io(
    format("the agent did not start listening within 15s; see {}",
           paths.log_file.string()));
}

Result<bool>
stop_agent(const AgentPaths& paths)
{
  auto running = find_agent(paths);
  std::error_code ec;
  if (!running) {
    fs::remove(paths.pid_file, ec);
    return false;
  }
  kill(running->pid, SIGTERM);
  for (int i = 0; i < 200 && alive_gpx(running->pid); ++i) {
    // Our own child (restart) must be reaped to stop existing.
    waitpid(running->pid, nullptr, WNOHANG);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (alive_gpx(running->pid)) {
    kill(running->pid, SIGKILL);
  }
  fs::remove(paths.pid_file, ec);
  return true;
}

} // namespace gpx::cli
