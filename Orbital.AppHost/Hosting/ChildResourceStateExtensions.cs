namespace Orbital.AppHost.Hosting;

/// <summary>
/// Aspire mirrors a container's state onto its child resources (its databases) but not an executable's.
/// This does the same for our executable servers, so a database shows Running, and can be waited for,
/// exactly while its server runs.
/// </summary>
internal static class ChildResourceStateExtensions
{
    public static IResourceBuilder<TChild> WithStateOfParent<TChild>(this IResourceBuilder<TChild> builder)
        where TChild : IResourceWithParent
    {
        return builder.OnInitializeResource(static (child, @event, cancellationToken) =>
        {
            _ = Task.Run(async () =>
            {
                await foreach (var update in @event.Notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!ReferenceEquals(update.Resource, child.Parent))
                    {
                        continue;
                    }

                    var parent = update.Snapshot;
                    await @event.Notifications.PublishUpdateAsync(child, s => s with
                    {
                        State = parent.State,
                        StartTimeStamp = parent.StartTimeStamp,
                        StopTimeStamp = parent.StopTimeStamp,
                    }).ConfigureAwait(false);
                }
            }, cancellationToken);
            return Task.CompletedTask;
        });
    }
}
