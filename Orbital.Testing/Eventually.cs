namespace Orbital.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: tests wait for effects, they never sleep for them.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> until it returns true; fails with <paramref name="what"/> otherwise.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting until {what}.{(last is null ? string.Empty : $" Last error: {last.Message}")}");
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="accept"/> holds for its value, and returns that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> accept, string what, TimeSpan? timeout = null)
    {
        T value = default!;
        await HoldsAsync(async () => accept(value = await read()), what, timeout);
        return value;
    }
}
