#include <cache/layout.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

using gpx::cache::artifact_path;
using gpx::cache::Kind;
using gpx::cache::list_path;

namespace {

// Sets an environment variable for one scope and restores it after.
class ScopedEnv
{
public:
  ScopedEnv(const char* name, const char* value)
    : m_name(name)
  {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv()
  {
    if (m_old) {
      setenv(m_name, m_old->c_str(), 1);
    } else {
      unsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

} // namespace

TEST_SUITE("cache")
{
  TEST_CASE("artifact paths use the GOPROXY layout with case escaping")
  {
    auto p = artifact_path({"github.com/Azure/azure-sdk-for-go", "v1.0.0-RC1"},
                           Kind::zip);
    REQUIRE(p);
    CHECK(p->string()
          == "download/github.com/!azure/azure-sdk-for-go/@v/v1.0.0-!r!c1.zip");
    auto info = artifact_path({"rsc.io/quote/v3", "v3.1.0"}, Kind::info);
    REQUIRE(info);
    CHECK(info->string() == "download/rsc.io/quote/v3/@v/v3.1.0.info");
    auto list = list_path("gopkg.in/yaml.v2");
    REQUIRE(list);
    CHECK(list->string() == "download/gopkg.in/yaml.v2/@v/list");
  }

  TEST_CASE("artifact paths refuse input that could escape the cache")
  {
    CHECK_FALSE(artifact_path({"example.com/../etc", "v1.0.0"}, Kind::mod));
    CHECK_FALSE(artifact_path({"example.com/m", "../../passwd"}, Kind::mod));
    CHECK_FALSE(artifact_path({"/etc/passwd", "v1.0.0"}, Kind::mod));
    CHECK_FALSE(
      artifact_path({"example.com/m", std::string("v1.0.0\0x", 8)}, Kind::mod));
    CHECK_FALSE(list_path("example.com/!bang"));
  }

  TEST_CASE("directories follow XDG, with GPX_ overrides")
  {
    ScopedEnv home("HOME", "/home/dev");
    ScopedEnv xc("XDG_CONFIG_HOME", nullptr);
    ScopedEnv xk("XDG_CACHE_HOME", nullptr);
    ScopedEnv xs("XDG_STATE_HOME", nullptr);
    ScopedEnv gc("GPX_CONFIG", nullptr);
    ScopedEnv gk("GPX_CACHE_DIR", nullptr);
    auto d = gpx::cache::default_dirs();
    REQUIRE(d);
    CHECK(d->config_file.string() == "/home/dev/.config/gpx/config.toml");
    CHECK(d->cache_dir.string() == "/home/dev/.cache/gpx");
    CHECK(d->state_dir.string() == "/home/dev/.local/state/gpx");

    ScopedEnv xk2("XDG_CACHE_HOME", "/var/cache/dev");
    ScopedEnv xs2("XDG_STATE_HOME", "relative/is/ignored");
    d = gpx::cache::default_dirs();
    REQUIRE(d);
    CHECK(d->cache_dir.string() == "/var/cache/dev/gpx");
    CHECK(d->state_dir.string() == "/home/dev/.local/state/gpx");

    ScopedEnv gk2("GPX_CACHE_DIR", "/tmp/gpx-cache");
    ScopedEnv gc2("GPX_CONFIG", "/etc/gpx.toml");
    d = gpx::cache::default_dirs();
    REQUIRE(d);
    CHECK(d->cache_dir.string() == "/tmp/gpx-cache");
    CHECK(d->config_file.string() == "/etc/gpx.toml");
  }

  TEST_CASE("no HOME and no XDG variables is an error that says what to set")
  {
    ScopedEnv home("HOME", nullptr);
    ScopedEnv xc("XDG_CONFIG_HOME", nullptr);
    ScopedEnv xk("XDG_CACHE_HOME", nullptr);
    ScopedEnv xs("XDG_STATE_HOME", nullptr);
    ScopedEnv gc("GPX_CONFIG", nullptr);
    auto d = gpx::cache::default_dirs();
    REQUIRE_FALSE(d);
    CHECK(d.error().message.find("GPX_CACHE_DIR") != std::string::npos);
  }

  TEST_CASE("the module version a checksum database lookup names")
  {
    using gpx::cache::sumdb_lookup_version;
    auto mv = sumdb_lookup_version("lookup/github.com/!azure/go@v1.2.3");
    REQUIRE(mv);
    CHECK(mv->path == "github.com/Azure/go");
    CHECK(mv->version == "v1.2.3");
    CHECK_FALSE(sumdb_lookup_version("tile/8/0/001"));
    CHECK_FALSE(sumdb_lookup_version("lookup/github.com/x"));
    CHECK_FALSE(sumdb_lookup_version("lookup/nodot@v1.0.0"));
    CHECK_FALSE(sumdb_lookup_version("lookup/example.com/m@master"));
  }
}
