#include "go_settings.hpp"

#include "go_env.hpp"

#include <gomod/gover.hpp>

#include <cstdlib>

namespace gpx::cli {

GoSettings
go_settings_from(const std::map<std::string, std::string>& values,
                 const std::string& private_patterns)
{
  auto value = [&](const char* k) {
    auto it = values.find(k);
    return it == values.end() ? std::string() : it->second;
  };
  GoSettings s;
  auto goprivate = value("GOPRIVATE");
  s.noproxy = value("GONOPROXY");
  s.nosumdb = value("GONOSUMDB");
  if (auto gosumdb = value("GOSUMDB"); !gosumdb.empty()) {
    s.sumdb = gosumdb;
  }
  if (s.noproxy.empty()) {
    s.noproxy = goprivate;
  }
  if (s.nosumdb.empty()) {
    s.nosumdb = goprivate;
  }
  if (!private_patterns.empty()) {
    s.nosumdb += (s.nosumdb.empty() ? "" : ",") + private_patterns;
  }
  return s;
}

GoSettings
go_settings(const std::string& private_patterns)
{
  static const std::vector<std::string> names{
    "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB"};
  std::map<std::string, std::string> values;
  if (auto v = go_env_values(names)) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      values[names[i]] = (*v)[i];
    }
  } else {
    for (const auto& n : names) {
      if (const char* e = std::getenv(n.c_str())) {
        values[n] = e;
      }
    }
  }
  return go_settings_from(values, private_patterns);
}

std::string
sumdb_name(const std::string& gosumdb)
{
  if (gosumdb == "off") {
    return "";
  }
  return gosumdb.substr(0, gosumdb.find_first_of("+ "));
}

std::string
wanted_toolchain(const Project& p,
                 std::string_view local,
                 const std::vector<std::string>& versions,
                 std::string_view platform)
{
  auto tc = gomod::gover::from_toolchain(p.toolchain);
  if (!tc.empty() && gomod::gover::compare(tc, local) > 0) {
    return "go" + std::string(tc);
  }
  if (p.go_version.empty() || gomod::gover::compare(p.go_version, local) <= 0) {
    return "";
  }
  bool language_only =
    p.go_version.find('.') == p.go_version.rfind('.')
    && p.go_version.find_first_not_of("0123456789.") == std::string::npos
    && gomod::gover::compare(p.go_version, "1.21") >= 0;
  if (!language_only) {
    return "go" + p.go_version;
  }
  std::string best;
  auto suffix = "." + std::string(platform);
  for (const auto& v : versions) {
    if (!v.starts_with("v0.0.1-go") || !v.ends_with(suffix)) {
      continue;
    }
    auto goversion = v.substr(9, v.size() - 9 - suffix.size());
    if (goversion.starts_with(p.go_version + ".")
        && goversion.find_first_not_of("0123456789.") == std::string::npos
        && (best.empty() || gomod::gover::compare(goversion, best) > 0)) {
      best = goversion;
    }
  }
  return best.empty() ? "go" + p.go_version + ".0" : "go" + best;
}

} // namespace gpx::cli
