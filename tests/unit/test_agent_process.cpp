#include "../support/temp_dir.hpp"

#include <agent/process.hpp>

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace gpx::agent;

TEST_SUITE("agent")
{
  TEST_CASE("run_process: stdout, stderr and the exit code, each apart")
  {
    auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
    REQUIRE(r);
    CHECK(r->out == "out\n");
    CHECK(r->err == "err\n");
    CHECK(r->exit_code == 3);
  }

  TEST_CASE("run_process: a child killed by signal N exits 128+N")
  {
    auto r = run_process({"sh", "-c", "kill -TERM $$"});
    REQUIRE(r);
    CHECK(r->exit_code == 128 + 15);
  }

  TEST_CASE(
    "run_process: env replaces a name of this environment, unset leaves one "
    "out")
  {
    REQUIRE(setenv("GPX_PROCESS_TEST_A", "parent", 1) == 0);
    REQUIRE(setenv("GPX_PROCESS_TEST_B", "parent", 1) == 0);
    const std::string script =
      "echo ${GPX_PROCESS_TEST_A-none} ${GPX_PROCESS_TEST_B-none} "
      "${GPX_PROCESS_TEST_C-none}";
    auto r = run_process(ProcessSpec{
      .argv = {"sh", "-c", script},
      .env = {"GPX_PROCESS_TEST_C=child"},
      .unset = {"GPX_PROCESS_TEST_B"},
      .dir = {},
      .input = {},
    });
    REQUIRE(r);
    CHECK(r->out == "parent none child\n");
    auto replaced =
      run_process({"sh", "-c", script}, {"GPX_PROCESS_TEST_A=child"});
    REQUIRE(replaced);
    CHECK(replaced->out == "child parent none\n");
    unsetenv("GPX_PROCESS_TEST_A");
    unsetenv("GPX_PROCESS_TEST_B");
  }

  TEST_CASE("run_process: runs in dir when given")
  {
    gpx::test::TempDir dir;
    auto r = run_process({"pwd", "-P"}, {}, dir.path());
    REQUIRE(r);
    CHECK(r->out == std::filesystem::canonical(dir.path()).string() + "\n");
  }

  TEST_CASE(
    "run_process: stdin is /dev/null without input, else the input, however "
    "large")
  {
    auto none = run_process({"cat"});
    REQUIRE(none);
    CHECK(none->out.empty());
    CHECK(none->exit_code == 0);
    // Larger than a pipe's buffer both ways: feeding and draining must
    // interleave.
    std::string big(1 << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 1000) {
      big[i] = '\n';
    }
    auto echoed = run_process(ProcessSpec{
      .argv = {"cat"}, .env = {}, .unset = {}, .dir = {}, .input = big});
    REQUIRE(echoed);
    CHECK(echoed->exit_code == 0);
    CHECK(echoed->out == big);
  }

  TEST_CASE(
    "run_process: a child that exits without reading its input does not kill "
    "the caller")
  {
    std::string big(1 << 20, 'y');
    auto r = run_process(ProcessSpec{.argv = {"sh", "-c", "echo done"},
                                     .env = {},
                                     .unset = {},
                                     .dir = {},
                                     .input = big});
    REQUIRE(r);
    CHECK(r->out == "done\n");
    CHECK(r->exit_code == 0);
  }

  TEST_CASE("run_process: a missing program is an io error naming it")
  {
    auto r = run_process({"gpx-no-such-program"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == gpx::Error::Code::io);
    CHECK(r.error().message.find("cannot run gpx-no-such-program")
          != std::string::npos);
  }

  TEST_CASE(
    "run_output: stdout on success, else the command and its stderr (or "
    "stdout)")
  {
    auto ok = run_output({"sh", "-c", "echo hello"});
    REQUIRE(ok);
    CHECK(*ok == "hello\n");
    auto err = run_output({"sh", "-c", "echo why >&2; exit 1"});
    REQUIRE_FALSE(err);
    CHECK(err.error().message == "sh -c echo why >&2; exit 1 failed: why");
    auto out = run_output({"sh", "-c", "echo only-out; exit 1"});
    REQUIRE_FALSE(out);
    CHECK(out.error().message
          == "sh -c echo only-out; exit 1 failed: only-out");
  }

  TEST_CASE("spawn_detached: a session of its own, output appended to the log")
  {
    gpx::test::TempDir dir;
    auto log = dir.write("agent.log", "before\n");
    // Field 6 of /proc/PID/stat is the session id: its own pid when it leads
    // one.
    auto pid = spawn_detached({"/bin/sh",
                               "-c",
                               "echo out; echo err >&2; read -r _ _ _ _ _ sid "
                               "_ </proc/$$/stat; [ $sid -eq $$ ]"},
                              log);
    REQUIRE(pid);
    int status = 0;
    REQUIRE(waitpid(*pid, &status, 0) == *pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "before\nout\nerr\n");
    CHECK_FALSE(spawn_detached({"/nonexistent/gpx"}, log));
  }

  TEST_CASE("self_exe: this test binary")
  {
    CHECK(self_exe().filename() == "test_agent_process");
  }
}
