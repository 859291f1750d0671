// gpx agent run: the proxy in the foreground.

#include "context.hpp"

#include <agent/server.hpp>
#include <gomod/format.hpp>

#include <atomic>
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
  std::string listen = "127.0.0.1:7070";
};

int
run_agent(const AgentOptions& o)
{
  auto listen = agent::parse_listen_address(o.listen);
  if (!listen) {
    return fail(listen.error(), "use e.g. --listen 127.0.0.1:7070");
  }
  agent::Server server(agent::ServerOptions{*listen});
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
  auto ran = server.run();
  done = true;
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
  run->add_option("--listen", o->listen, "loopback address to listen on; port 0 picks a free one")
    ->capture_default_str();
  run->footer("The first line on stdout is 'gpx agent listening on http://HOST:PORT'.\n\n"
              "Examples:\n"
              "  gpx agent run\n"
              "  gpx agent run --listen 127.0.0.1:0\n"
              "  curl http://127.0.0.1:7070/healthz");
  run->callback([o, &ctx] { ctx.exit_code = run_agent(*o); });
}

} // namespace gpx::cli
