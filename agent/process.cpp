#include "process.hpp"

#include <gomod/format.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

extern char** environ;

namespace gpx::agent {

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
  return Error::io(format("{}: {}", what, std::strerror(errno)));
}

// This environment without unset's names and with env's names replaced.
std::vector<std::string>
merged_environment(const std::vector<std::string>& env,
                   const std::vector<std::string>& unset)
{
  std::vector<std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry = *e;
    auto name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& o : env) {
      replaced = replaced || o.starts_with(name);
    }
    for (const auto& u : unset) {
      replaced = replaced || name == u + "=";
    }
    if (!replaced) {
      merged.emplace_back(entry);
    }
  }
  merged.insert(merged.end(), env.begin(), env.end());
  return merged;
}

// A pipe's two ends, closed on scope exit unless taken.
struct Pipe
{
  int fd[2] = {-1, -1};

  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe()
  {
    close_end(0);
    close_end(1);
  }
  void
  close_end(int i)
  {
    if (fd[i] >= 0) {
      close(fd[i]);
      fd[i] = -1;
    }
  }
};

// Writes what fits of input to fd without blocking, with SIGPIPE held back:
// a child that exits without reading its stdin must not kill this process.
bool
write_some(int fd, std::string_view& input)
{
  sigset_t pipe_set;
  sigset_t old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  auto n = write(fd, input.data(), input.size());
  bool ok = n >= 0 || errno == EAGAIN || errno == EINTR;
  if (n < 0 && errno == EPIPE) {
    // Consume the SIGPIPE this thread raised, unless one was already pending.
    timespec zero{};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (n > 0) {
    input.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok;
}

// Feeds input to the child's stdin and drains its stdout and stderr
// together, so a child filling one pipe never blocks.
void
exchange(
  int in_fd, std::string_view input, int out_fd, int err_fd, ProcessResult& r)
{
  pollfd fds[3] = {
    {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (fds[2].fd >= 0 && input.empty()) {
      close(fds[2].fd);
      fds[2].fd = -1;
    }
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0
        && !write_some(fds[2].fd, input)) {
      input = {}; // the child stopped reading; what it has is all it gets
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0
          || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
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
  for (auto& f : fds) {
    if (f.fd >= 0) {
      close(f.fd);
    }
  }
}

} // namespace

Result<ProcessResult>
run_process(const ProcessSpec& spec)
{
  auto merged = merged_environment(spec.env, spec.unset);
  auto envp = c_argv(merged);
  Pipe in;
  Pipe out;
  Pipe err;
  if (pipe2(out.fd, O_CLOEXEC) != 0 || pipe2(err.fd, O_CLOEXEC) != 0) {
    return os_error("pipe");
  }
  if (!spec.input.empty()
      && (pipe2(in.fd, O_CLOEXEC) != 0
          || fcntl(in.fd[1], F_SETFL, O_NONBLOCK) != 0)) {
    return os_error("pipe");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (spec.input.empty()) {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&fa, in.fd[0], 0);
  }
  posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
  if (!spec.dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, spec.dir.c_str());
  }
  auto args = c_argv(spec.argv);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  if (rc != 0) {
    return Error::io(
      format("cannot run {}: {}", spec.argv[0], std::strerror(rc)));
  }
  ProcessResult r;
  // exchange closes the ends it was given.
  exchange(std::exchange(in.fd[1], -1),
           spec.input,
           std::exchange(out.fd[0], -1),
           std::exchange(err.fd[0], -1),
           r);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code =
    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Result<ProcessResult>
run_process(const std::vector<std::string>& argv,
            const std::vector<std::string>& env,
            const std::filesystem::path& dir)
{
  return run_process(ProcessSpec{
    .argv = argv, .env = env, .unset = {}, .dir = dir, .input = {}});
}

Result<std::string>
run_output(const std::vector<std::string>& argv,
           const std::vector<std::string>& env)
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
    return Error::io(format("{} failed: {}", cmd, why));
  }
  return r->out;
}

Result<int>
spawn_detached(const std::vector<std::string>& argv,
               const std::filesystem::path& log)
{
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(
    &fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
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
    return Error::io(format("cannot start {}: {}", argv[0], std::strerror(rc)));
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

} // namespace gpx::agent
