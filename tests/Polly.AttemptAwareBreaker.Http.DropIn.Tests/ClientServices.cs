using Microsoft.Extensions.DependencyInjection;

namespace StandardHandlerDropIn;

/// <summary>
/// The client's services, disposed so that a failed test cannot hang: Polly's pipelines wait on their (fake) clock for executions still
/// in flight before they dispose, so the clock is moved on until disposal completes. After a passing test nothing is in flight and
/// disposal completes at once.
/// </summary>
internal sealed class ClientServices(ServiceProvider provider, FakeTimeProvider time) : IAsyncDisposable
{
    public ServiceProvider Provider => provider;

    public async ValueTask DisposeAsync()
    {
        var disposing = provider.DisposeAsync().AsTask();
        while (!disposing.IsCompleted)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromMilliseconds(10)));
        }

        await disposing;
    }
}
