#pragma once
// A findings destination that is a PostgreSQL URL (libpq's URI syntax)
// rather than a file, and the same URL fit for a log line: its password,
// in the user part or as a password= parameter, replaced by "***".

#include <string>
#include <string_view>

namespace pgsleuth::sinks {

// "postgresql://..." or "postgres://...", as libpq accepts.
bool is_store_url(std::string_view destination);

std::string redacted_url(std::string_view url);

// `text` (a libpq message about `url`) with the URL's password, raw or
// percent-decoded, replaced by "***", in case libpq echoes a part of it.
std::string without_password(std::string text, std::string_view url);

// "" when libpq can parse it; else one line saying why, without the password.
std::string store_url_error(const std::string& url);

}  // namespace pgsleuth::sinks
