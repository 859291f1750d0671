#include "../support/temp_dir.hpp"

#include <cache/lock.hpp>
#include <cli/agent_record.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

using gpx::cli::AgentRecord;
using gpx::test::TempDir;

TEST_SUITE("cli")
{
  TEST_CASE("the record round-trips, 0600, and goes at remove")
  {
    TempDir cache;
    AgentRecord r{4242,
                  "http://127.0.0.1:7070",
                  "https://u:xxxxx@proxy.example",
                  true,
                  1700000000};
    REQUIRE(gpx::cli::write_agent_record(cache.path(), r));
    struct stat st
    {
    };
    REQUIRE(stat(gpx::cli::agent_record_path(cache.path()).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto back = gpx::cli::read_agent_record(cache.path());
    REQUIRE(back);
    CHECK(back->pid == 4242);
    CHECK(back->url == r.url);
    CHECK(back->upstream == r.upstream);
    CHECK(back->offline);
    CHECK(back->started_at == 1700000000);
    gpx::cli::remove_agent_record(cache.path());
    CHECK_FALSE(gpx::cli::read_agent_record(cache.path()));
  }

  TEST_CASE("a damaged, mistyped or oversized record is ignored")
  {
    TempDir cache;
    for (const char* text :
         {"not json",
          "{\"pid\":\"1\",\"url\":\"http://"
          "x\",\"upstream\":\"\",\"offline\":false,\"started_at\":1}",
          "{\"pid\":1,\"url\":\"file:///"
          "etc\",\"upstream\":\"\",\"offline\":false,\"started_at\":1}",
          "{\"pid\":-5,\"url\":\"http://"
          "x\",\"upstream\":\"\",\"offline\":false,\"started_at\":1}"}) {
      CAPTURE(text);
      cache.write("agent.json", text);
      CHECK_FALSE(gpx::cli::read_agent_record(cache.path()));
    }
    cache.write("agent.json",
                "{\"pid\":1,\"url\":\"http://x\",\"upstream\":\""
                  + std::string(70000, 'a')
                  + "\",\"offline\":false,\"started_at\":1}");
    CHECK_FALSE(gpx::cli::read_agent_record(cache.path()));
  }

  TEST_CASE(
    "cache_agent: the lock's holder, with its record only when the pids agree")
  {
    TempDir cache;
    CHECK_FALSE(gpx::cli::cache_agent(cache.path())); // no lock: no agent
    // The lock is held by this process; lock_holder, from the same
    // process, sees it through a second open file (flock is per file).
    auto lock = gpx::cache::ProcessLock::acquire(cache.path() / "agent.lock");
    REQUIRE(lock);
    auto bare = gpx::cli::cache_agent(cache.path());
    REQUIRE(bare);
    CHECK(bare->pid == getpid());
    CHECK(bare->url.empty());
    REQUIRE(gpx::cli::write_agent_record(
      cache.path(),
      AgentRecord{getpid() + 1, "http://127.0.0.1:1", "", false, 1}));
    CHECK(gpx::cli::cache_agent(cache.path())
            ->url.empty()); // another process's record
    REQUIRE(gpx::cli::write_agent_record(
      cache.path(),
      AgentRecord{getpid(), "http://127.0.0.1:1", "up", false, 1}));
    auto full = gpx::cli::cache_agent(cache.path());
    REQUIRE(full);
    CHECK(full->url == "http://127.0.0.1:1");
    CHECK(full->upstream == "up");
  }
}
