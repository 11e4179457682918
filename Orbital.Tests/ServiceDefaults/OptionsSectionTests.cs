using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Screens;
using Orbital.OrderManagement.Forwarding;
using Orbital.ServiceDefaults.Configuration;

namespace Orbital.Tests.ServiceDefaults;

/// <summary>Settings moved under <c>Kitchen:*</c> and <c>OrderListener:*</c>; a deployment configured by the old names keeps working.</summary>
public sealed class OptionsSectionTests
{
    [Fact]
    public void A_setting_under_the_former_section_name_is_still_read()
    {
        var options = Bind<KitchenForwardingOptions>(KitchenForwardingOptions.SectionName, KitchenForwardingOptions.FormerSectionName, new()
        {
            ["KitchenForwarding:IntakeKey"] = "old-name",
            ["KitchenForwarding:Deadline"] = "00:00:03",
        });

        Assert.Equal("old-name", options.IntakeKey);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Deadline);
    }

    [Fact]
    public void A_setting_under_the_new_section_name_wins_over_the_same_one_under_the_former()
    {
        var options = Bind<KitchenEventOptions>(KitchenEventOptions.SectionName, KitchenEventOptions.FormerSectionName, new()
        {
            ["KitchenEvents:HeartbeatInterval"] = "00:00:05",
            ["KitchenEvents:PollInterval"] = "00:00:02",
            ["Kitchen:Events:HeartbeatInterval"] = "00:00:07",
        });

        Assert.Equal(TimeSpan.FromSeconds(7), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PollInterval);
    }

    private static T Bind<T>(string section, string formerSection, Dictionary<string, string?> settings)
        where T : class
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<T>().BindRenamedSection(section, formerSection);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
