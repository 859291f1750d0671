#include <cli/settings.hpp>

#include <doctest/doctest.h>

#include <string_view>

TEST_SUITE("cli")
{
  TEST_CASE(
    "redact_list: every URL of a setting loses its password, the rest stays")
  {
    constexpr struct
    {
      std::string_view in, out;
    } k_cases[] = {
      {"https://proxy.golang.org,direct", "https://proxy.golang.org,direct"},
      {"https://u:pw@a.example|https://tok@b.example,off",
       "https://u:xxxxx@a.example|https://xxxxx@b.example,off"},
      // git_remotes rules: PREFIX=URL, by commas or newlines.
      {"corp.example/*=https://u:pw@git.corp.example/"
       "{path}.git\nx.example=ssh://git@x.example/{path}",
       "corp.example/*=https://u:xxxxx@git.corp.example/"
       "{path}.git\nx.example=ssh://git@x.example/{path}"},
      // a sumdb setting: name, then its URL.
      {"sum.golang.org https://u:pw@sum.example",
       "sum.golang.org https://u:xxxxx@sum.example"},
      // '=' inside a URL is no rule's separator.
      {"https://u:pw@a.example/p?x=y", "https://u:xxxxx@a.example/p?x=y"},
      {"", ""},
    };
    for (const auto& tc : k_cases) {
      CAPTURE(tc.in);
      CHECK(gpx::cli::redact_list(tc.in) == tc.out);
    }
  }

  TEST_CASE("human_size")
  {
    CHECK(gpx::cli::human_size(0) == "0 B");
    CHECK(gpx::cli::human_size(1536) == "1.5 KiB");
    CHECK(gpx::cli::human_size(100000) == "97.7 KiB");
  }
}
