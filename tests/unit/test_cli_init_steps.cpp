#include <cli/init_steps.hpp>

#include <doctest/doctest.h>

#include <cstdlib>

namespace cli = gpx::cli;

TEST_SUITE("cli")
{
  TEST_CASE("init_config_changes: the flags' keys, each checked")
  {
    cli::InitOptions o;
    CHECK(cli::init_config_changes(o)->empty());
    o.listen = "127.0.0.1:7171";
    o.upstream = "https://goproxy.corp.example,direct";
    o.private_patterns = "corp.example/*";
    auto c = cli::init_config_changes(o);
    REQUIRE(c);
    CHECK(*c
          == cli::ConfigChanges{
            {"listen", "127.0.0.1:7171"},
            {"private", "corp.example/*"},
            {"upstream", "https://goproxy.corp.example,direct"}});

    constexpr struct
    {
      const char *listen, *upstream, *private_patterns, *error;
    } k_bad[] = {
      {"127.0.0.1:0",
       "",
       "",
       "--listen: the go command needs a fixed port, not 0"},
      {"10.1.2.3:7070", "", "", "--listen: "},
      {"", "ftp://proxy.example", "", "--upstream: "},
      {"",
       "",
       "corp example/*",
       "--private \"corp example/*\": want comma-separated module path globs"},
      {"", "", "a/[b", "--private: bad glob \"a/[b\": unbalanced [ ]"},
      {"", "", "a,,b", "--private \"a,,b\""},
    };
    for (const auto& tc : k_bad) {
      CAPTURE(tc.error);
      cli::InitOptions bad;
      bad.listen = tc.listen;
      bad.upstream = tc.upstream;
      bad.private_patterns = tc.private_patterns;
      auto r = cli::init_config_changes(bad);
      REQUIRE_FALSE(r);
      CHECK(r.error().message.starts_with(tc.error));
    }
  }

  TEST_CASE(
    "plan_config: the file with the flags' keys, read back as the agent reads "
    "it")
  {
    for (const auto& k : gpx::agent::config_keys()) {
      unsetenv(std::string(k.env).c_str());
    }
    auto none =
      cli::plan_config(std::nullopt, {}, "/cfg/config.toml", "/cache");
    REQUIRE(none);
    CHECK_FALSE(none->changed());
    CHECK(none->config.listen == "127.0.0.1:7070");

    std::string old = "# mine\nmax_size = \"5GiB\"\n";
    auto set = cli::plan_config(
      old, {{"listen", "127.0.0.1:7171"}}, "/cfg/config.toml", "/cache");
    REQUIRE(set);
    CHECK(set->changed());
    CHECK(set->old_text == old);
    CHECK(set->new_text->find("# mine\n") == 0); // the user's lines stay
    CHECK(set->config.listen == "127.0.0.1:7171");
    CHECK(set->config.max_size == 5ull << 30);

    // A broken file is found before anything is written, named as the file.
    auto broken = cli::plan_config(std::string("max_sise = \"1GB\"\n"),
                                   {{"listen", "127.0.0.1:7171"}},
                                   "/cfg/config.toml",
                                   "/cache");
    REQUIRE_FALSE(broken);
    CHECK(broken.error().message.starts_with("/cfg/config.toml"));
    CHECK(broken.error().message.find("did you mean \"max_size\"?")
          != std::string::npos);
  }

  TEST_CASE("without_public_proxies")
  {
    CHECK(cli::without_public_proxies("https://proxy.golang.org,direct")
          == "direct");
    CHECK(cli::without_public_proxies(
            "https://proxy.golang.org|https://goproxy.corp.example,direct")
          == "https://goproxy.corp.example,direct");
    CHECK(cli::without_public_proxies(
            "https://goproxy.corp.example|https://goproxy.cn/x,off")
          == "https://goproxy.corp.example,off");
    CHECK(cli::without_public_proxies("proxy.golang.org") == "direct");
    CHECK(cli::without_public_proxies("https://proxy.golang.org.evil.example")
          == "https://proxy.golang.org.evil.example");
  }

  TEST_CASE("wanted_go_env and go_env_changes")
  {
    gpx::agent::Config c;
    c.listen = "127.0.0.1:7070";
    c.upstream = "https://proxy.golang.org,direct";
    CHECK(
      cli::wanted_go_env(c)
      == cli::GoEnvChanges{
        {"GOPROXY", "http://127.0.0.1:7070|https://proxy.golang.org,direct"}});
    c.upstream = "off";
    CHECK(cli::wanted_go_env(c)
          == cli::GoEnvChanges{{"GOPROXY", "http://127.0.0.1:7070"}});
    c.upstream = "https://proxy.golang.org,direct";
    c.private_patterns = "corp.example/*";
    auto wanted = cli::wanted_go_env(c);
    CHECK(wanted
          == cli::GoEnvChanges{{"GONOPROXY", "none"},
                               {"GONOSUMDB", "corp.example/*"},
                               {"GOPRIVATE", "corp.example/*"},
                               {"GOPROXY", "http://127.0.0.1:7070|direct"}});
    std::map<std::string, std::string> current{{"GOPRIVATE", "corp.example/*"},
                                               {"GOFLAGS", "-mod=mod"}};
    CHECK(cli::go_env_changes(wanted, current)
          == cli::GoEnvChanges{{"GONOPROXY", "none"},
                               {"GONOSUMDB", "corp.example/*"},
                               {"GOPROXY", "http://127.0.0.1:7070|direct"}});
    CHECK(cli::go_env_changes(wanted,
                              {{"GONOPROXY", "none"},
                               {"GONOSUMDB", "corp.example/*"},
                               {"GOPRIVATE", "corp.example/*"},
                               {"GOPROXY", "http://127.0.0.1:7070|direct"}})
            .empty());
  }

  TEST_CASE("record_before keeps what was there before the first init")
  {
    nlohmann::json state = nlohmann::json::object();
    std::map<std::string, std::string> before_values{
      {"GOPRIVATE", "old.example"}};
    cli::Before before{
      "/goenv", &before_values, "/cfg/config.toml", std::nullopt};
    cli::GoEnvChanges changes{{"GOPRIVATE", "corp.example/*"},
                              {"GOPROXY", "http://127.0.0.1:7070"}};
    CHECK(cli::record_before(state, before, changes, true));
    CHECK(state["go_env"]["GOPRIVATE"] == "old.example");
    CHECK(state["go_env"]["GOPROXY"].is_null()); // unset before
    CHECK(state["config"].is_null());            // no file before
    CHECK(state["config_file"] == "/cfg/config.toml");

    // A second init sees gpx's own values: the record keeps the first ones.
    std::map<std::string, std::string> after_values{
      {"GOPRIVATE", "corp.example/*"}, {"GOPROXY", "http://127.0.0.1:7070"}};
    cli::Before second{"/goenv",
                       &after_values,
                       "/cfg/config.toml",
                       std::string("listen = \"127.0.0.1:7070\"\n")};
    CHECK_FALSE(cli::record_before(
      state, second, {{"GOPROXY", "http://127.0.0.1:7171"}}, true));
    CHECK(state["go_env"]["GOPROXY"].is_null());
    CHECK(state["config"].is_null());
  }

  TEST_CASE("init_next_steps names prefetch and doctor")
  {
    auto next = cli::init_next_steps();
    CHECK(next.find("'gpx prefetch'") != std::string::npos);
    CHECK(next.find("'gpx doctor'") != std::string::npos);
  }
}
