#include <gomod/gosum.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using gpx::gomod::GoSumEntry;
using gpx::gomod::parse_go_sum;

namespace {

constexpr std::string_view k_quote_sum =
  "golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c "
  "h1:qgOY6WgZOaTkIIMiVjBQcw93ERBE4m30iBm00nkL0i8=\n"
  "golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c/go.mod "
  "h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n"
  "\n"
  "rsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\n"
  "rsc.io/quote v1.5.2/go.mod h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=\n"
  "rsc.io/sampler v1.3.0/go.mod "
  "h1:T1hPZKmBbMNahiBKFy5HrXp6adAjACjK9JXDnKaTXpA=\n";

std::string
error_of(std::string_view data)
{
  auto sum = parse_go_sum("go.sum", data);
  return sum ? "" : sum.error().message;
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE("parse_go_sum reads zip and go.mod hashes")
  {
    auto sum = parse_go_sum("go.sum", k_quote_sum);
    REQUIRE_MESSAGE(sum, sum.error().message);
    CHECK(sum->entries.size() == 3);
    const GoSumEntry* quote = sum->find("rsc.io/quote", "v1.5.2");
    REQUIRE(quote);
    CHECK(quote->zip_hash == "h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=");
    CHECK(quote->go_mod_hash
          == "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=");
    const GoSumEntry* sampler = sum->find("rsc.io/sampler", "v1.3.0");
    REQUIRE(sampler);
    CHECK(sampler->zip_hash.empty());
    CHECK(sampler->go_mod_hash
          == "h1:T1hPZKmBbMNahiBKFy5HrXp6adAjACjK9JXDnKaTXpA=");
    CHECK(sum->entries.contains(
      "golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c"));
    CHECK(sum->find("rsc.io/quote", "v1.5.1") == nullptr);
    CHECK(sum->find("rsc.io/quote", "v1.5.2/go.mod") == nullptr);
  }

  TEST_CASE("parse_go_sum tolerates what the go command tolerates")
  {
    // CRLF, extra blanks, identical duplicates, no final newline.
    auto sum = parse_go_sum(
      "go.sum",
      "  rsc.io/quote\tv1.5.2   "
      "h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\r\n"
      "\r\n"
      "rsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=");
    REQUIRE_MESSAGE(sum, sum.error().message);
    REQUIRE(sum->find("rsc.io/quote", "v1.5.2"));
    CHECK(sum->find("rsc.io/quote", "v1.5.2")->zip_hash
          == "h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=");

    // The empty-go.mod hash of old go commands is dropped (cmd/go's
    // emptyGoModHash), and other algorithms are left alone.
    sum = parse_go_sum(
      "go.sum",
      "example.com/old v1.0.0/go.mod "
      "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=\n"
      "example.com/new v1.0.0 h2:whatever-a-future-hash-looks-like\n");
    REQUIRE_MESSAGE(sum, sum.error().message);
    CHECK(sum->entries.empty());

    CHECK(parse_go_sum("go.sum", "")->entries.empty());
  }

  TEST_CASE("parse_go_sum errors name the line")
  {
    constexpr struct
    {
      std::string_view in, want;
    } tests[] = {
      // cmd/go/internal/modfetch readGoSum's one check.
      {"rsc.io/quote v1.5.2\n", "go.sum:1: wrong number of fields 2"},
      {"\n\nrsc.io/quote v1.5.2 "
       "h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y= extra\n",
       "go.sum:3: wrong number of fields 4"},
      // Ours.
      {"rsc.io/quote /go.mod h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\n",
       "go.sum:1: missing version"},
      {"rsc.io/quote v1.5.2 w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\n",
       "go.sum:1: malformed hash "
       "\"w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\""},
      {"rsc.io/quote v1.5.2 h1:short=\n",
       "go.sum:1: malformed h1 hash \"h1:short=\""},
      {"rsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y\n",
       "go.sum:1: malformed h1 hash "
       "\"h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y\""},
      {"rsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\n"
       "rsc.io/quote v1.5.2/go.mod "
       "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=\n"
       "rsc.io/quote v1.5.2 h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=\n",
       "go.sum:3: conflicting hashes for rsc.io/quote@v1.5.2: "
       "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0= here, "
       "h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y= on line 1"},
    };
    for (const auto& tc : tests) {
      CAPTURE(tc.in);
      CHECK(error_of(tc.in) == tc.want);
    }
    auto bad = parse_go_sum("sub/go.sum", "x\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == gpx::Error::Code::invalid);
    CHECK(bad.error().message == "sub/go.sum:1: wrong number of fields 1");
  }
}
