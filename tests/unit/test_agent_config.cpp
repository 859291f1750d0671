#include "../support/temp_dir.hpp"

#include <agent/config.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <sstream>

using gpx::agent::config_keys;
using gpx::agent::load_config;
using gpx::agent::load_config_text;
using gpx::agent::parse_duration;
using gpx::agent::parse_size;
using gpx::test::TempDir;
using namespace std::chrono_literals;

namespace {

// Clears every GPX_ variable of the table for one test.
struct CleanEnv
{
  CleanEnv()
  {
    for (const auto& k : config_keys()) {
      unsetenv(std::string(k.env).c_str());
    }
  }
  ~CleanEnv()
  {
    for (const auto& k : config_keys()) {
      unsetenv(std::string(k.env).c_str());
    }
  }
};

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE("sizes")
  {
    CHECK(parse_size("1024").value() == 1024);
    CHECK(parse_size("20KB").value() == 20000);
    CHECK(parse_size("500MB").value() == 500000000);
    CHECK(parse_size("5GiB").value() == 5ull << 30);
    CHECK(parse_size("10 GiB").value() == 10ull << 30);
    CHECK(parse_size("2TiB").value() == 2ull << 40);
    CHECK_FALSE(parse_size("10 gigs"));
    CHECK_FALSE(parse_size(""));
    CHECK_FALSE(parse_size("GiB"));
    CHECK_FALSE(parse_size("-5MB"));
    CHECK_FALSE(parse_size("99999999999999999999"));
    CHECK_FALSE(parse_size("18446744073709551615GB"));
    // Wrapped silently once (to 3543488481810448384 bytes).
    CHECK_FALSE(parse_size("20000000TiB"));
    CHECK(parse_size("16777215TiB").value() == 16777215ull << 40);
  }

  TEST_CASE("durations")
  {
    CHECK(parse_duration("90d").value() == 90 * 24h);
    CHECK(parse_duration("12h").value() == 12h);
    CHECK(parse_duration("1h30m").value() == 90min);
    CHECK(parse_duration("45s").value() == 45s);
    CHECK_FALSE(parse_duration("12"));
    // Zero needs no unit ("0 keeps them" in the README); any other number
    // does.
    CHECK(parse_duration("0").value() == 0s);
    CHECK_FALSE(parse_duration("00"));
    CHECK_FALSE(parse_duration("h"));
    CHECK_FALSE(parse_duration("3w"));
    CHECK_FALSE(parse_duration(""));
    // Parsed to -1s once, although 0s is refused where a timeout needs one.
    CHECK_FALSE(parse_duration("9223372036854775807s9223372036854775807s1s"));
    CHECK_FALSE(parse_duration("106751991167301d"));
    CHECK_FALSE(parse_duration("9223372036854775807s1s"));
  }

  TEST_CASE("embedded defaults need no file")
  {
    CleanEnv env;
    TempDir tmp;
    auto c = load_config(tmp.path() / "absent.toml", false, "/cache");
    REQUIRE(c);
    CHECK(c->listen == "127.0.0.1:7070");
    CHECK(c->upstream == "https://proxy.golang.org,direct");
    CHECK(c->sumdb == "sum.golang.org");
    CHECK(c->cache_dir == "/cache");
    CHECK(c->max_size == 10ull << 30);
    CHECK(c->list_ttl == 60s);
    CHECK(c->connect_timeout == 10s);
    CHECK(c->stall_timeout == 30s);
    CHECK(c->upstream_idle == 60s);
    CHECK_FALSE(c->offline);
  }

  TEST_CASE("precedence: flag > environment > file > default")
  {
    CleanEnv env;
    TempDir tmp;
    auto file = tmp.write(
      "config.toml",
      "listen = \"127.0.0.1:9000\"\nmax_size = \"5GiB\"\noffline = true\n"
      "list_ttl = \"5m\"\nstall_timeout = \"2m\"\n");
    setenv("GPX_MAX_SIZE", "1GB", 1);
    setenv("GPX_CONNECT_TIMEOUT", "3s", 1);
    setenv("GPX_LISTEN", "127.0.0.1:9100", 1);
    setenv("GPX_UPSTREAM_IDLE", "0", 1);
    auto c = load_config(file, true, "/cache", {{"listen", "127.0.0.1:0"}});
    REQUIRE(c);
    CHECK(c->listen == "127.0.0.1:0");
    CHECK(c->max_size == 1000000000);
    CHECK(c->offline);
    CHECK(c->list_ttl == 300s);
    CHECK(c->negative_ttl == 30s);
    CHECK(c->connect_timeout == 3s);
    CHECK(c->stall_timeout == 120s);
    CHECK(c->upstream_idle == 0s);
  }

  TEST_CASE("origins: each key's text and where it came from, at every level")
  {
    CleanEnv env;
    TempDir tmp;
    auto file = tmp.write("config.toml",
                          "# team\nmax_size = \"5GiB\"\nlist_ttl = \"5m\"\n");
    setenv("GPX_LIST_TTL", "2m", 1);
    auto c = load_config(file, true, "/cache", {{"cache_dir", "/flagged"}});
    REQUIRE(c);
    CHECK(c->origins.size() == config_keys().size());
    auto at = [&](const char* key) { return c->origins.at(key); };
    CHECK(at("max_size").value == "5GiB");
    CHECK(at("max_size").source == "file");
    CHECK(at("max_size").where == file.string() + ":2");
    CHECK(at("list_ttl").value == "2m");
    CHECK(at("list_ttl").source == "environment");
    CHECK(at("list_ttl").where == "GPX_LIST_TTL");
    CHECK(at("cache_dir").value == "/flagged");
    CHECK(at("cache_dir").source == "flag");
    CHECK(at("cache_dir").where == "--cache-dir");
    CHECK(at("log_level").value == "info");
    CHECK(at("log_level").source == "default");
    CHECK(at("log_level").where.empty());
  }

  TEST_CASE("errors name the file, the line and the fix")
  {
    CleanEnv env;
    TempDir tmp;
    auto bad_size = tmp.write(
      "a.toml", "listen = \"127.0.0.1:7070\"\nmax_size = \"10 gigs\"\n");
    auto c = load_config(bad_size, true, "/cache");
    REQUIRE_FALSE(c);
    CHECK(
      c.error().message
      == bad_size.string()
           + ":2: max_size: not a size: \"10 gigs\" (use e.g. 500MB or 10GiB)");

    auto unknown = tmp.write("b.toml", "\n\nmax_sise = \"1GB\"\n");
    c = load_config(unknown, true, "/cache");
    REQUIRE_FALSE(c);
    CHECK(c.error().message
          == unknown.string()
               + ":3: unknown key \"max_sise\" (did you mean \"max_size\"?)");
    auto far = tmp.write("far.toml", "frobnicate = 1\n");
    c = load_config(far, true, "/cache");
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find(
            ":1: unknown key \"frobnicate\" (the keys are in the README")
          != std::string::npos);

    // The same text, not in a file, reads the same and names itself.
    c = load_config_text(
      std::string("\n\nmax_sise = \"1GB\"\n"), "new config", "/cache");
    REQUIRE_FALSE(c);
    CHECK(
      c.error().message
      == "new config:3: unknown key \"max_sise\" (did you mean \"max_size\"?)");
    auto fine = load_config_text(
      std::string("max_size = \"1GB\"\n"), "new config", "/cache");
    REQUIRE(fine);
    CHECK(fine->max_size == 1000u * 1000 * 1000);
    CHECK(load_config_text(std::nullopt, "none", "/cache")->cache_dir
          == "/cache");

    auto syntax = tmp.write("c.toml", "listen = \n");
    c = load_config(syntax, true, "/cache");
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("c.toml:1:") != std::string::npos);

    c = load_config(tmp.path() / "missing.toml", true, "/cache");
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("config file not found") != std::string::npos);

    // A float is no gpx value, however large (toml++ would convert one
    // past int64's range to an integer with undefined behaviour).
    for (const char* f : {"max_size = 1.5\n", "max_size = 99999999999E9\n"}) {
      CAPTURE(std::string(f));
      auto floats = tmp.write("f.toml", f);
      c = load_config(floats, true, "/cache");
      REQUIRE_FALSE(c);
      CHECK(c.error().message.find(
              "f.toml:1: max_size: want a string, number or boolean")
            != std::string::npos);
    }

    auto zero = tmp.write("d.toml", "stall_timeout = \"0s\"\n");
    c = load_config(zero, true, "/cache");
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("stall_timeout: must be at least 1s")
          != std::string::npos);

    setenv("GPX_OFFLINE", "maybe", 1);
    c = load_config(tmp.path() / "missing.toml", false, "/cache");
    REQUIRE_FALSE(c);
    CHECK(c.error().message.find("GPX_OFFLINE") != std::string::npos);
  }

  TEST_CASE("sumdb takes the GOSUMDB forms; split downloads are bounded")
  {
    CleanEnv env;
    TempDir tmp;
    auto ok = tmp.write("ok.toml",
                        "sumdb = \"sum.golang.org "
                        "https://sum.example\"\nnosumdb = \"corp.example\"\n"
                        "split_size = \"8MiB\"\nsplit_parts = \"8\"\n"
                        "upstream_connections = \"3\"\n");
    auto c = load_config(ok, true, "/cache");
    REQUIRE_MESSAGE(c, c.error().message);
    CHECK(c->nosumdb_patterns == "corp.example");
    CHECK(c->split_size == 8u << 20);
    CHECK(c->split_parts == 8);
    CHECK(c->upstream_connections == 3);
    for (const char* bad : {"sumdb = \"unknown.example\"",
                            "sumdb = \"a b c\"",
                            "sumdb = \"sum.golang.org ftp://x\"",
                            "split_parts = \"1\"",
                            "split_parts = \"17\"",
                            "split_parts = \"4x\"",
                            "upstream_connections = \"0\"",
                            "upstream_connections = \"65\""}) {
      CAPTURE(bad);
      auto f = tmp.write("bad.toml", std::string(bad) + "\n");
      auto b = load_config(f, true, "/cache");
      CHECK_FALSE(b);
    }
  }

  TEST_CASE("set_config_values edits keys in place and keeps everything else")
  {
    using gpx::agent::set_config_values;
    std::string text =
      "# my settings\nlisten = \"127.0.0.1:7070\"\n\nmax_size = \"5GiB\"\n";
    auto out =
      set_config_values(text,
                        {{"listen", "127.0.0.1:7171"},
                         {"upstream", "https://goproxy.corp.example,direct"}});
    REQUIRE(out);
    CHECK(*out == "# my settings\nlisten = \"127.0.0.1:7171\"\n\nmax_size = \"5GiB\"\nupstream = \"https://goproxy.corp.example,direct\"\n");
    // Idempotent: the same values again change nothing.
    auto again =
      set_config_values(*out,
                        {{"listen", "127.0.0.1:7171"},
                         {"upstream", "https://goproxy.corp.example,direct"}});
    REQUIRE(again);
    CHECK(*again == *out);
    // An empty file gets the keys; quotes and backslashes are escaped.
    auto fresh =
      set_config_values("", {{"private", "corp.example/*,*.internal\"x\\"}});
    REQUIRE(fresh);
    CHECK(*fresh == "private = \"corp.example/*,*.internal\\\"x\\\\\"\n");
    // Keys that do not exist, values the agent would refuse: an error, nothing
    // written.
    CHECK_FALSE(set_config_values("", {{"lisen", "x"}}));
    auto bad = set_config_values("", {{"max_size", "lots"}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("max_size") != std::string::npos);
  }

  // The README's configuration table is the documentation; it must list
  // exactly the keys of the code's table, with the same variable and default.
  TEST_CASE("the README documents every key once, as the code defines it")
  {
    auto readme =
      gpx::test::read_file(std::string(GPX_TESTS_DIR) + "/../README.md");
    std::set<std::string> documented;
    std::istringstream lines(readme);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.starts_with("| `")) {
        continue;
      }
      // | `key` | `ENV` | `default` | meaning |
      auto cell = [&](int n) {
        std::size_t pos = 0;
        for (int i = 0; i <= n; ++i) {
          pos = line.find('|', pos) + 1;
        }
        auto end = line.find('|', pos);
        std::string s = line.substr(pos, end - pos);
        while (!s.empty() && (s.front() == ' ' || s.front() == '`')) {
          s.erase(0, 1);
        }
        while (!s.empty() && (s.back() == ' ' || s.back() == '`')) {
          s.pop_back();
        }
        return s;
      };
      std::string key = cell(0);
      bool known = false;
      for (const auto& k : config_keys()) {
        if (k.name == key) {
          known = true;
          CAPTURE(key);
          CHECK(cell(1) == k.env);
          CHECK(cell(2) == k.default_text);
        }
      }
      if (known) {
        CHECK_MESSAGE(documented.insert(key).second,
                      "documented twice: " << key);
      }
    }
    for (const auto& k : config_keys()) {
      CHECK_MESSAGE(documented.count(std::string(k.name)) == 1,
                    "not in the README: " << k.name);
    }
  }
}
