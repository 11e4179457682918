using Orbital.KitchenBatch.Intake;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// A rolling upgrade: source ids from an older order service (a string id sent bare) are brought to today's exact
/// form on arrival, and today's forms are left alone, so a deletion finds its order whichever side was older.
/// </summary>
public sealed class LegacySourceIdTests
{
    [Theory]
    [InlineData("platform-order-7", "\"platform-order-7\"")]
    [InlineData("a \"quoted\" \\ id", "\"a \\\"quoted\\\" \\\\ id\"")]
    [InlineData("674454c0a1b2c3d4e5f60718", "674454c0a1b2c3d4e5f60718")]
    [InlineData("42", "42")]
    [InlineData("0.5", "0.5")]
    [InlineData("\"already-quoted\"", "\"already-quoted\"")]
    [InlineData("{ \"$binary\" : { } }", "{ \"$binary\" : { } }")]
    [InlineData("NumberDecimal(\"0.5\")", "NumberDecimal(\"0.5\")")]
    [InlineData("cut-short…", "cut-short…")]
    [InlineData("\"kkkk…#0123456789abcdef0123456789abcdef", "\"kkkk…#0123456789abcdef0123456789abcdef")]
    public void An_old_string_id_is_quoted_and_todays_forms_are_kept(string sent, string kept)
        => Assert.Equal(kept, LegacySourceIds.Normalize(sent));
}
