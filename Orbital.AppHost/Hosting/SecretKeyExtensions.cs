namespace Orbital.AppHost.Hosting;

/// <summary>Secrets the AppHost generates for development and a deployment asks for.</summary>
public static class SecretKeyExtensions
{
    /// <summary>
    /// A secret parameter with a generated default of 40 letters and digits: kept in the AppHost's user secrets so
    /// that it survives restarts (paired devices stay paired), and a secret input of the deployment manifest.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSecretKey(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddParameter(name, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
    }
}
