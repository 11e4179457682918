using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orbital.ServiceDefaults.Configuration;

/// <summary>Binding options from a section that was renamed, so that deployments configured by the old name keep working.</summary>
public static class OptionsSectionExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/>, and before it <paramref name="formerSection"/>, the name the same settings
    /// had before: a setting under the new name wins over the same one under the old name.
    /// </summary>
    public static OptionsBuilder<TOptions> BindRenamedSection<TOptions>(this OptionsBuilder<TOptions> builder, string section, string formerSection)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure<IConfiguration>((options, configuration) =>
        {
            configuration.GetSection(formerSection).Bind(options);
            configuration.GetSection(section).Bind(options);
        });
    }
}
