using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.ExceptionSummarization;
using Microsoft.Extensions.Options;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Http.Tests.Telemetry;

/// <summary>
/// What Microsoft's resilience handler registers for telemetry, the attempt-aware handler registers too: the <c>error.type</c> tag with the
/// status code on Polly's metric events of HTTP outcomes, and the exception summarizer with its HTTP provider. Against real Kestrel
/// downstreams, with a <see cref="System.Diagnostics.Metrics.MeterListener"/> on Polly's meter.
/// </summary>
public class HttpTelemetryParityTests
{
    private const string ErrorType = "error.type";
    private const string AttemptDuration = "resilience.polly.strategy.attempt.duration";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAttemptAwareResilienceHandler_503Answer_RetryEventTaggedWithStatusCode()
    {
        var client = UniqueName();
        using var metrics = new PollyMetricEvents(client);
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        var services = new ServiceCollection();
        services.AddHttpClient(client, c => c.BaseAddress = downstream.BaseAddress).AddAttemptAwareResilienceHandler(OneRetryWithoutDelay);
        await using var provider = services.BuildServiceProvider();

        await SendAsync(provider, client);

        var retry = Assert.Single(metrics.Events, e => e.EventName == "OnRetry");
        Assert.Equal(["503"], retry.TagValues(ErrorType));
    }

    [Fact]
    public async Task AddAttemptAwareResilienceHandler_503Answer_EveryExecutionAttemptTaggedWithStatusCode()
    {
        var client = UniqueName();
        using var metrics = new PollyMetricEvents(client);
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        var services = new ServiceCollection();
        services.AddHttpClient(client, c => c.BaseAddress = downstream.BaseAddress).AddAttemptAwareResilienceHandler(OneRetryWithoutDelay);
        await using var provider = services.BuildServiceProvider();

        await SendAsync(provider, client);

        var attempts = metrics.Events.Where(e => e.Instrument == AttemptDuration).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, attempt => Assert.Equal(["503"], attempt.TagValues(ErrorType)));
    }

    [Fact]
    public async Task ConfigureHttpClientDefaults_503Answer_RetryEventTaggedWithStatusCode()
    {
        var client = UniqueName();
        using var metrics = new PollyMetricEvents(client);
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        var settings = ClientServices.NoRetryDelay();
        settings["Resilience:Retry:MaxRetryAttempts"] = "1";
        using var services = ClientDefaultsServices.Create(clients => clients.AddHttpClient(client, c => c.BaseAddress = downstream.BaseAddress), settings);

        await SendAsync(services.Provider, client);

        var retry = Assert.Single(metrics.Events, e => e.EventName == "OnRetry");
        Assert.Equal($"{client}-attempt-aware", retry.PipelineName);
        Assert.Equal(["503"], retry.TagValues(ErrorType));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithMicrosoftHandlerOnAnotherClient_503Answers_EveryEventHasAtMostOneErrorTypeTag(bool microsoftHandlerFirst)
    {
        var prefix = UniqueName();
        string ours = $"{prefix}-ours", microsofts = $"{prefix}-microsoft";
        using var metrics = new PollyMetricEvents(prefix);
        await using var downstream = await KestrelDownstream.AnsweringAsync(HttpStatusCode.ServiceUnavailable);
        var services = new ServiceCollection();
        Action addMicrosoftHandler = () => services
            .AddHttpClient(microsofts, c => c.BaseAddress = downstream.BaseAddress)
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 1;
                options.Retry.Delay = TimeSpan.Zero;
            });
        if (microsoftHandlerFirst)
        {
            addMicrosoftHandler();
        }

        services.AddHttpClient(ours, c => c.BaseAddress = downstream.BaseAddress).AddAttemptAwareResilienceHandler(OneRetryWithoutDelay);
        if (!microsoftHandlerFirst)
        {
            addMicrosoftHandler();
        }

        await using var provider = services.BuildServiceProvider();

        await SendAsync(provider, ours);
        await SendAsync(provider, microsofts);

        var events = metrics.Events;
        Assert.Equal(["503"], Assert.Single(events, e => e.EventName == "OnRetry" && e.PipelineName == $"{ours}-attempt-aware").TagValues(ErrorType));
        Assert.Equal(["503"], Assert.Single(events, e => e.EventName == "OnRetry" && e.PipelineName == $"{microsofts}-standard").TagValues(ErrorType));
        Assert.All(events, e => Assert.True(e.TagValues(ErrorType).Count() <= 1, $"{e.EventName} of {e.PipelineName}: {string.Join(", ", e.TagValues(ErrorType))}"));
    }

    [Fact]
    public void AddAttemptAwareResilienceHandler_ExceptionSummarizer_DescribesSocketErrorsWithTheHttpProvider()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(UniqueName()).AddAttemptAwareResilienceHandler();
        using var provider = services.BuildServiceProvider();

        var summary = provider.GetRequiredService<IExceptionSummarizer>().Summarize(new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal(nameof(SocketError.ConnectionRefused), summary.Description);
    }

    [Fact]
    public void AddAttemptAwareResilienceHandler_SeveralClientsAndMicrosoftHandler_OneHttpSummaryProviderAndOneEnricher()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("a").AddAttemptAwareResilienceHandler();
        services.AddHttpClient("b").AddAttemptAwareResilienceHandler();
        services.AddHttpClient("c").AddStandardResilienceHandler();
        services.ConfigureHttpClientDefaults(http => http.AddAttemptAwareResilienceHandler());
        using var provider = services.BuildServiceProvider();

        var summaryProviders = provider.GetServices<IExceptionSummaryProvider>();
        var enrichers = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value.MeteringEnrichers;

        Assert.Single(summaryProviders);
        Assert.Single(enrichers, e => e is HttpStatusCodeMeteringEnricher);
    }

    private static void OneRetryWithoutDelay(HttpAttemptAwareResilienceOptions options)
    {
        options.Retry.MaxRetryAttempts = 1;
        options.Retry.Delay = TimeSpan.Zero;
    }

    private static string UniqueName() => $"telemetry-{Guid.NewGuid():N}";

    private static async Task SendAsync(IServiceProvider provider, string client)
    {
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(client);
        using var response = await http.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
