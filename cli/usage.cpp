#include "usage.hpp"

#include "context.hpp"

#include <agent/suggest.hpp>
#include <gomod/format.hpp>

#include <algorithm>

namespace gpx::cli {

namespace {

// The flags of `app` as a user writes them, for a did-you-mean.
std::vector<std::string>
flag_names(const CLI::App& app)
{
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    auto more = option_names(*o);
    names.insert(names.end(), more.begin(), more.end());
  }
  return names;
}

std::string
did_you_mean(std::string_view word, const std::vector<std::string>& candidates)
{
  auto near = agent::closest(word, candidates);
  return near ? format(" (did you mean {:?}?)", *near) : "";
}

std::string
quoted_path(const std::string& path)
{
  return format("{:?}", path);
}

// How many positional words `app` takes; SIZE_MAX for "any number".
std::size_t
positional_capacity(const CLI::App& app)
{
  std::size_t total = 0;
  for (const CLI::Option* o : positionals_of(app)) {
    if (o->get_items_expected_max() >= CLI::detail::expected_max_vector_size) {
      return SIZE_MAX;
    }
    total += static_cast<std::size_t>(o->get_items_expected_max());
  }
  return total;
}

// CLI11's checks say "Value 0 not in range 1 to 64" or "File does not exist:
// X"; say it as gpx says the rest.
std::string
reword_check(std::string message)
{
  auto replace = [&](std::string_view from, std::string_view to) {
    if (auto at = message.find(from); at != std::string::npos) {
      message.replace(at, from.size(), to);
    }
  };
  replace("File does not exist: ", "no such file: ");
  replace("Directory does not exist: ", "no such directory: ");
  replace("Path does not exist: ", "no such file or directory: ");
  if (auto at = message.find("Value "); at != std::string::npos) {
    auto range = message.find(" not in range ", at);
    auto to = message.find(" to ", range == std::string::npos ? at : range);
    if (range != std::string::npos && to != std::string::npos) {
      std::string value = message.substr(at + 6, range - at - 6);
      std::string low = message.substr(range + 14, to - range - 14);
      std::string high = message.substr(to + 4);
      message = format("{}want a number from {} to {}, not {:?}",
                       message.substr(0, at),
                       low,
                       high,
                       value);
    }
  }
  return message;
}

// CLI11 2.1 has no get_subcommand_no_throw.
const CLI::App*
find_subcommand(const CLI::App& app, const std::string& name)
{
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (!sub->get_name().empty() && sub->check_name(name)) {
      return sub;
    }
  }
  return nullptr;
}

} // namespace

int
usage_error(const UsageError& error)
{
  print_error(error.message, error.hint);
  return k_exit_usage;
}

int
usage_error(const Error& error, std::string_view hint)
{
  return usage_error(UsageError{error.message, std::string(hint)});
}

UsageError
unknown_command(const CLI::App& app,
                const std::string& path,
                const std::string& word)
{
  std::vector<std::string> names;
  for (const CLI::App* sub : visible_subcommands(app)) {
    names.push_back(sub->get_name());
  }
  return {format("unknown command {:?}{}{}",
                 word,
                 app.get_parent() == nullptr ? "" : " for " + quoted_path(path),
                 did_you_mean(word, names)),
          format("run '{} --help' for the list of commands", path)};
}

UsageError
explain(const CLI::App& root,
        const std::vector<std::string>& args,
        const CLI::ParseError& error)
{
  const CLI::App* app = &root;
  std::string path = root.get_name();
  std::size_t positionals = 0;
  bool only_positionals = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!only_positionals && word == "--") {
      only_positionals = true;
      continue;
    }
    if (!only_positionals && word.size() > 1 && word[0] == '-') {
      bool is_long = word[1] == '-';
      std::string name =
        is_long ? word.substr(0, word.find('=')) : word.substr(0, 2);
      const CLI::Option* option = app->get_option_no_throw(name);
      if (option == nullptr) {
        return {format("unknown flag {:?} for {}{}",
                       name,
                       quoted_path(path),
                       did_you_mean(name, flag_names(*app))),
                format("run '{} --help' for its flags", path)};
      }
      bool value_attached =
        is_long ? word.find('=') != std::string::npos : word.size() > 2;
      if (takes_value(*option) && !value_attached) {
        if (i + 1 == args.size()) {
          return {format("{} needs a value", name),
                  format("run '{} --help' for its flags", path)};
        }
        ++i;
      }
      continue;
    }
    if (!only_positionals && !visible_subcommands(*app).empty()) {
      if (const CLI::App* sub = find_subcommand(*app, word); sub != nullptr) {
        app = sub;
        path += " " + word;
        positionals = 0;
        continue;
      }
      if (positional_capacity(*app) == 0) {
        return unknown_command(*app, path, word);
      }
    }
    if (++positionals > positional_capacity(*app)) {
      return {
        format("unexpected argument {:?} for {}", word, quoted_path(path)),
        format("run '{} --help' for its usage", path)};
    }
  }

  std::string usage_hint = format("run '{} --help' for its usage", path);
  std::string message = error.what();
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (app->get_require_subcommand_min() > 0
        && app->get_subcommands().empty()) {
      // A group's few commands fit on the line; gpx's own do not.
      auto subs = visible_subcommands(*app);
      std::string names;
      for (const CLI::App* sub : subs) {
        names += (names.empty() ? ": " : ", ") + sub->get_name();
      }
      return {format("{} needs a command{}",
                     quoted_path(path),
                     subs.size() <= 8 ? names : ""),
              format("run '{} --help' for what each does", path)};
    }
    if (auto at = message.rfind(" is required"); at != std::string::npos) {
      return {format("{} needs {}", quoted_path(path), message.substr(0, at)),
              usage_hint};
    }
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    if (auto colon = message.find(": ");
        colon != std::string::npos
        && message.find(" required ") != std::string::npos) {
      return {format("{} needs a value", message.substr(0, colon)), usage_hint};
    }
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
    // "Could not convert: --jobs = abc"
    constexpr std::string_view k_prefix = "Could not convert: ";
    if (message.starts_with(k_prefix)) {
      auto eq = message.find(" = ");
      if (eq != std::string::npos) {
        return {format("{}: not a number: {:?}",
                       message.substr(k_prefix.size(), eq - k_prefix.size()),
                       message.substr(eq + 3)),
                usage_hint};
      }
    }
  }
  return {reword_check(message), usage_hint};
}

Result<std::vector<std::string>>
expand_help(const CLI::App& root, const std::vector<std::string>& args)
{
  if (args.empty() || args[0] != "help") {
    return args;
  }
  std::vector<std::string> out;
  const CLI::App* app = &root;
  std::string path = root.get_name();
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i].starts_with("-")) {
      continue; // `gpx help --help` is help all the same
    }
    const CLI::App* sub = find_subcommand(*app, args[i]);
    if (sub == nullptr) {
      auto u = unknown_command(*app, path, args[i]);
      return Error::invalid(u.message + "\n" + u.hint);
    }
    app = sub;
    path += " " + args[i];
    out.push_back(args[i]);
  }
  out.push_back("--help");
  return out;
}

std::string
HelpFormatter::make_option_opts(const CLI::Option* option) const
{
  if (!option->get_option_text().empty()) {
    return " " + option->get_option_text();
  }
  std::string out;
  if (takes_value(*option) && !option->get_positional()) {
    out += " " + value_name(*option);
  }
  if (option->get_expected_max() >= CLI::detail::expected_max_vector_size) {
    out += " ...";
  }
  if (option->get_required() && !option->get_positional()) {
    out += " (required)";
  }
  return out;
}

} // namespace gpx::cli
