#include "process.hpp"

#include <gomod/format.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gpx::cli {

namespace {

std::vector<char*>
c_argv(const std::vector<std::string>& argv)
{
  std::vector<char*> v;
  for (const auto& a : argv) {
    v.push_back(const_cast<char*>(a.c_str()));
  }
  v.push_back(nullptr);
  return v;
}

Error
os_error(std::string_view what)
{
  return make_error(Error::Code::io, format("{}: {}", what, std::strerror(errno)));
}

} // namespace

Result<ProcessResult>
run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::filesystem::path& dir)
{
  // This environment with env's names replaced.
  std::vector<std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry = *e;
    auto name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& o : env) {
      replaced = replaced || o.starts_with(name);
    }
    if (!replaced) {
      merged.emplace_back(entry);
    }
  }
  merged.insert(merged.end(), env.begin(), env.end());
  auto envp = c_argv(merged);
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return os_error("pipe");
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return os_error("pipe");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  if (!dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  }
  auto args = c_argv(argv);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    return make_error(Error::Code::io, format("cannot run {}: {}", argv[0], std::strerror(rc)));
  }
  // Both pipes are drained together, so a child filling one never blocks.
  ProcessResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      char buf[4096];
      auto n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Result<std::string>
run_output(const std::vector<std::string>& argv, const std::vector<std::string>& env)
{
  auto r = run_process(argv, env);
  if (!r) {
    return r.error();
  }
  if (r->exit_code != 0) {
    auto why = r->err.empty() ? r->out : r->err;
    while (!why.empty() && why.back() == '\n') {
      why.pop_back();
    }
    std::string cmd;
    for (const auto& a : argv) {
      cmd += (cmd.empty() ? "" : " ") + a;
    }
    return make_error(Error::Code::io, format("{} failed: {}", cmd, why));
  }
  return r->out;
}

Result<int>
spawn_detached(const std::vector<std::string>& argv, const std::filesystem::path& log)
{
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A session of its own: closing the terminal or Ctrl-C in it does not
  // reach the agent. Signals start from their defaults.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  auto args = c_argv(argv);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return make_error(Error::Code::io, format("cannot start {}: {}", argv[0], std::strerror(rc)));
  }
  return static_cast<int>(pid);
}

std::filesystem::path
self_exe()
{
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("gpx") : p;
}

} // namespace gpx::cli
