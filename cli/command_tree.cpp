#include "command_tree.hpp"

#include <algorithm>
#include <cctype>

namespace gpx::cli {

namespace {

// CLI11 gives its own type names to options nobody named.
bool
is_cli11_type(std::string_view name)
{
  static constexpr std::string_view k_types[] = {
    "TEXT", "INT", "UINT", "FLOAT", "NUMBER", "BOOLEAN", "ENUM", "CHAR"};
  return std::find(std::begin(k_types), std::end(k_types), name)
         != std::end(k_types);
}

} // namespace

std::vector<const CLI::App*>
visible_subcommands(const CLI::App& app)
{
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (!sub->get_name().empty() && !sub->get_group().empty()
        && !sub->get_disabled()) {
      out.push_back(sub);
    }
  }
  return out;
}

std::string
command_path(const CLI::App& app)
{
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr;
       p = p->get_parent()) {
    path = p->get_name() + " " + path;
  }
  return path;
}

// Every command below `app`, depth first, the root included.
void
walk_commands(const CLI::App& app,
              const std::function<void(const CLI::App&)>& visit)
{
  visit(app);
  for (const CLI::App* sub : visible_subcommands(app)) {
    walk_commands(*sub, visit);
  }
}

std::vector<const CLI::Option*>
flags_of(const CLI::App& app)
{
  return app.get_options(
    [](const CLI::Option* o) { return o->nonpositional(); });
}

std::vector<const CLI::Option*>
positionals_of(const CLI::App& app)
{
  return app.get_options(
    [](const CLI::Option* o) { return o->get_positional(); });
}

std::vector<std::string>
option_names(const CLI::Option& o)
{
  std::vector<std::string> names;
  for (const auto& s : o.get_snames()) {
    names.push_back("-" + s);
  }
  for (const auto& l : o.get_lnames()) {
    names.push_back("--" + l);
  }
  return names;
}

bool
takes_value(const CLI::Option& option)
{
  return option.get_type_size() != 0 && !option.get_type_name().empty();
}

std::string
value_name(const CLI::Option& option)
{
  std::string type = option.get_type_name();
  type = type.substr(0, type.find(':'));
  if (type == "INT" || type == "UINT" || type == "FLOAT" || type == "NUMBER") {
    return "N";
  }
  if (!type.empty() && !is_cli11_type(type)) {
    return type;
  }
  std::string name = option.get_lnames().empty() ? option.get_name(true, false)
                                                 : option.get_lnames().front();
  for (char& ch : name) {
    ch = ch == '-'
           ? '_'
           : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return name;
}

} // namespace gpx::cli
