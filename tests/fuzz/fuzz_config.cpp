// The agent's config (agent/config): config.toml as a file, the same text
// edited by set_config_values, sizes, durations and git_remotes rules. No
// crash, no exception out of toml++; a text set_config_values returns loads,
// with the value it was given; a parsed size or duration reads back from its
// plain form.

#include "fuzz_input.hpp"

#include <agent/config.hpp>
#include <agent/repo_locator.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

const std::filesystem::path&
config_file()
{
  static const std::filesystem::path path = [] {
    // The environment would override the file: the input alone decides.
    for (const auto& k : gpx::agent::config_keys()) {
      unsetenv(std::string(k.env).c_str());
    }
    return std::filesystem::temp_directory_path()
           / ("gpx-fuzz-config-" + std::to_string(getpid()) + ".toml");
  }();
  static const bool cleanup = std::atexit([] {
                                std::error_code ec;
                                std::filesystem::remove(path, ec);
                              })
                              == 0;
  (void)cleanup;
  return path;
}

gpx::Result<gpx::agent::Config>
load(const std::string& text)
{
  FILE* f = std::fopen(config_file().c_str(), "wb");
  if (f == nullptr
      || (!text.empty()
          && std::fwrite(text.data(), 1, text.size(), f) != text.size())) {
    std::abort();
  }
  std::fclose(f);
  return gpx::agent::load_config(
    config_file(), true, "/nonexistent/gpx-fuzz-cache");
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace ag = gpx::agent;
  auto in = gpx::fuzz::text(data, size);
  (void)load(in);
  (void)ag::parse_git_rules(in);
  if (auto edited = ag::set_config_values(in, {}); edited && !load(*edited)) {
    std::abort(); // set_config_values promised a text that loads
  }
  // The first line as a value for a key that takes any string.
  auto l = gpx::fuzz::lines(in, 2, 2);
  if (auto edited = ag::set_config_values(l[1], {{"upstream", l[0]}})) {
    auto c = load(*edited);
    if (!c || c->upstream != l[0]) {
      std::abort();
    }
  }
  for (const auto& line : gpx::fuzz::lines(in, 1, 16)) {
    if (auto s = ag::parse_size(line)) {
      auto again = ag::parse_size(std::to_string(*s));
      if (!again || *again != *s) {
        std::abort();
      }
    }
    if (auto d = ag::parse_duration(line)) {
      auto again = ag::parse_duration(std::to_string(d->count()) + "s");
      if (d->count() < 0 || !again || *again != *d) {
        std::abort();
      }
    }
  }
  return 0;
}
