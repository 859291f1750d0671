#include "../support/loopback.hpp"
#include "../support/temp_dir.hpp"

#include <cli/agent_steps.hpp>

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

using gpx::agent::config_keys;
using gpx::test::TempDir;
namespace cli = gpx::cli;

namespace {

// No GPX_ variable, and GPX_CONFIG only as a test sets it.
struct CleanEnv
{
  CleanEnv()
  {
    clear();
  }
  ~CleanEnv()
  {
    clear();
  }
  static void
  clear()
  {
    for (const auto& k : config_keys()) {
      unsetenv(std::string(k.env).c_str());
    }
    unsetenv("GPX_CONFIG");
  }
};

// A loopback socket that holds a port for the test's life.
struct HeldPort
{
  int port = 0;
  int fd = -1;
  HeldPort()
    : fd(gpx::test::listen_loopback(1, port))
  {
  }
  ~HeldPort()
  {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE("agent_overrides: only the flags given, offline as a boolean")
  {
    CHECK(cli::agent_overrides({}).empty());
    cli::AgentOptions o;
    o.listen = "127.0.0.1:0";
    o.offline = true;
    auto flags = cli::agent_overrides(o);
    CHECK(flags.size() == 2);
    CHECK(flags["listen"] == "127.0.0.1:0");
    CHECK(flags["offline"] == "true");
  }

  TEST_CASE("load_agent_config: the file, then the environment, then the flags")
  {
    CleanEnv env;
    TempDir tmp;
    auto file = tmp.write(
      "gpx.toml",
      "listen = \"127.0.0.1:7171\"\nupstream = \"off\"\nmax_size = \"1GB\"\n");
    cli::AgentOptions o;
    o.config = file.string();
    auto c = cli::load_agent_config(o);
    REQUIRE(c);
    CHECK(c->listen == "127.0.0.1:7171");
    setenv("GPX_LISTEN", "127.0.0.1:7272", 1);
    CHECK(cli::load_agent_config(o)->listen == "127.0.0.1:7272");
    o.listen = "127.0.0.1:0";
    CHECK(cli::load_agent_config(o)->listen == "127.0.0.1:0");

    o.config = (tmp.path() / "missing.toml").string();
    auto missing = cli::load_agent_config(o);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("config file not found")
          != std::string::npos);
  }

  TEST_CASE("plan_agent names the setting that is wrong")
  {
    CleanEnv env;
    auto c = gpx::agent::load_config_text(
      std::string("upstream = \"off\"\nsumdb = \"off\"\n"), "t", "/cache");
    REQUIRE(c);
    auto plan = cli::plan_agent(*c);
    REQUIRE(plan);
    CHECK(plan->listen.port == 7070);
    CHECK(plan->sumdb.off);
    c->listen = "192.0.2.1:7070";
    REQUIRE_FALSE(cli::plan_agent(*c));
    CHECK(cli::plan_agent(*c).error().message.starts_with("listen: "));
    c->listen = "127.0.0.1:7070";
    c->upstream = "ftp://x";
    REQUIRE_FALSE(cli::plan_agent(*c));
    CHECK(cli::plan_agent(*c).error().message.starts_with("upstream: "));
  }

  TEST_CASE(
    "check_listen_free: a taken port fails, unless it is the running agent's")
  {
    HeldPort held;
    gpx::agent::ListenAddress taken{"127.0.0.1", held.port};
    auto ok = cli::check_listen_free(taken, "");
    REQUIRE_FALSE(ok);
    CHECK(ok.error().message
          == "cannot listen on 127.0.0.1:" + std::to_string(held.port)
               + ": the address is in use by another process");
    CHECK(cli::check_listen_free(
      taken, "http://127.0.0.1:" + std::to_string(held.port)));
    CHECK(cli::check_listen_free({"127.0.0.1", 0}, ""));
    // Released, it is free again (the probe itself holds nothing).
    ::close(held.fd);
    held.fd = -1;
    CHECK(cli::check_listen_free(taken, ""));
    CHECK(cli::check_listen_free(taken, ""));
  }

  TEST_CASE("start_log_line: an offline agent names no upstream")
  {
    CleanEnv env;
    auto c = gpx::agent::load_config_text(
      std::string("upstream = \"https://u:secret@proxy.example,direct\"\n"),
      "t",
      "/cache");
    REQUIRE(c);
    auto chain = cli::plan_agent(*c)->chain;
    auto online = cli::start_log_line("http://127.0.0.1:1", *c, chain);
    CHECK(online == "agent started url=http://127.0.0.1:1 cache=/cache upstream=https://u:xxxxx@proxy.example,direct offline=false");
    c->offline = true;
    auto offline = cli::start_log_line("http://127.0.0.1:1", *c, chain);
    CHECK(offline
          == "agent started url=http://127.0.0.1:1 cache=/cache offline=true");
  }
}
