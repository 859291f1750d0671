#include <cli/prefetch_plan.hpp>

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace gpx::cli;
using gpx::gomod::Version;

namespace {

std::map<std::string, Item>
by_key(const Plan& plan)
{
  std::map<std::string, Item> m;
  for (const auto& i : plan.items) {
    m[i.source.mod.str()] = i;
  }
  return m;
}

Item
zip_item(const char* path, std::int64_t size)
{
  Item i;
  i.requested = {path, "v1.0.0"};
  i.source.mod = i.requested;
  i.zip = true;
  i.info = true;
  i.zip_size = size;
  return i;
}

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE(
    "plan_downloads: .mod of every node, .info and zip of the selected and of "
    "go.sum's zips, nothing of main, local or private modules")
  {
    Project p;
    p.mains = {"example.com/main"};
    gpx::gomod::modfile::Replace to_version{
      {"example.com/old", "v1.0.0"}, {"example.com/new", "v1.1.0"}, {}};
    gpx::gomod::modfile::Replace to_dir{
      {"example.com/local", ""}, {"../local", ""}, {}};
    p.replace_exact["example.com/old@v1.0.0"] = to_version;
    p.replace_any["example.com/local"] = to_dir;
    p.replace_dirs["example.com/local"] = "/src/main";
    p.sums.entries["example.com/summed@v0.1.0"] = {"h1:zip", "h1:mod"};
    p.sums.entries["example.com/modonly@v0.2.0"] = {"", "h1:mod"};

    gpx::gomod::modgraph::Graph g;
    g.nodes = {{"example.com/a", "v1.0.0"},
               {"example.com/a", "v1.1.0"},
               {"example.com/old", "v1.0.0"},
               {"example.com/local", "v1.0.0"},
               {"corp.example/secret", "v1.0.0"},
               {"example.com/main", "v0.0.0"}};
    g.selected = {{"example.com/a", "v1.1.0"},
                  {"example.com/old", "v1.0.0"},
                  {"example.com/local", "v1.0.0"},
                  {"corp.example/secret", "v1.0.0"}};
    auto plan = plan_downloads(p, g, [](const Version& m) {
      return m.path.starts_with("corp.example/");
    });

    auto items = by_key(plan);
    CHECK(items.size() == 5);
    CHECK_FALSE(
      items.at("example.com/a@v1.0.0").zip); // not selected: its go.mod only
    CHECK_FALSE(items.at("example.com/a@v1.0.0").info);
    CHECK(items.at("example.com/a@v1.1.0").zip);
    CHECK(items.at("example.com/a@v1.1.0").info);
    // Replaced by another version: that one is downloaded, named after the
    // graph's.
    REQUIRE(items.count("example.com/new@v1.1.0") == 1);
    CHECK(items.at("example.com/new@v1.1.0").zip);
    CHECK(items.at("example.com/new@v1.1.0").requested.str()
          == "example.com/old@v1.0.0");
    CHECK(items.at("example.com/summed@v0.1.0").zip);
    CHECK(items.at("example.com/summed@v0.1.0").info);
    CHECK_FALSE(items.at("example.com/modonly@v0.2.0").zip);
    CHECK_FALSE(items.at("example.com/modonly@v0.2.0").info);
    CHECK(items.count("example.com/local@v1.0.0") == 0);
    CHECK(items.count("example.com/main@v0.0.0") == 0);
    CHECK(items.count("corp.example/secret@v1.0.0") == 0);
    CHECK(plan.skipped_private == 1); // one module version, however often named
  }

  TEST_CASE(
    "keep_zips_of: build-only keeps the zips of the modules named, by graph or "
    "replacement version")
  {
    Plan plan;
    plan.items = {zip_item("example.com/a", 10),
                  zip_item("example.com/b", 20),
                  zip_item("example.com/c", 30)};
    plan.items[2].source.mod = {"example.com/fork", "v2.0.0"};
    keep_zips_of(plan, {"example.com/a@v1.0.0", "example.com/fork@v2.0.0"});
    CHECK(plan.items[0].zip);
    CHECK_FALSE(plan.items[1].zip);
    CHECK(plan.items[1].info); // a selected version's: go list -m all reads it
    CHECK(plan.items[2].zip);
    CHECK(plan.items.size() == 3); // their go.mod files are still wanted
  }

  TEST_CASE(
    "order_largest_first: known sizes descending, then unknown, then no zip; "
    "ties keep their order")
  {
    Item modonly = zip_item("example.com/modonly", 1000);
    modonly.zip = false;
    std::vector<Item> items = {modonly,
                               zip_item("example.com/small", 10),
                               zip_item("example.com/unknown1", -1),
                               zip_item("example.com/big", 5000),
                               zip_item("example.com/tie1", 300),
                               zip_item("example.com/unknown2", -1),
                               zip_item("example.com/tie2", 300)};
    order_largest_first(items);
    std::vector<std::string> got;
    for (const auto& i : items) {
      got.push_back(i.requested.path);
    }
    CHECK(got
          == std::vector<std::string>{"example.com/big",
                                      "example.com/tie1",
                                      "example.com/tie2",
                                      "example.com/small",
                                      "example.com/unknown1",
                                      "example.com/unknown2",
                                      "example.com/modonly"});
  }
}
