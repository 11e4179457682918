using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Checkpoints;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Forwarding;
using Orbital.OrderManagement.Listening;
using Orbital.OrderManagement.Mapping;
using Orbital.OrderManagement.Rejections;
using Orbital.ServiceDefaults.Configuration;

namespace Orbital.OrderManagement;

public static class OrderServiceRegistration
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Strings that are not valid UTF-8 are read with replacement characters rather than failing the whole
        // change-stream batch they arrive in: one document must never stop the stream.
        var mongo = builder.AddMongoDBClient("orders", configureClientSettings: client => client.ReadEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));

        builder.Services.AddOptions<OrderListenerOptions>().BindConfiguration(OrderListenerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OrderDocumentFields>().BindConfiguration(OrderDocumentFields.SectionName);
        builder.Services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CheckpointOptions>().BindConfiguration(CheckpointOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RejectionOptions>().BindConfiguration(RejectionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KitchenForwardingOptions>().BindRenamedSection(KitchenForwardingOptions.SectionName, KitchenForwardingOptions.FormerSectionName).ValidateDataAnnotations().ValidateOnStart();

        // The kitchen call as a gRPC span (method, status) in the order's trace, with its HTTP request under it.
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddGrpcClientInstrumentation());

        builder.Services.AddSingleton<OrderListenerStatus>();
        builder.Services.AddSingleton<OrderFlowMetrics>();
        builder.Services.AddSingleton<KitchenOrderForwarder>();
        builder.Services.AddHostedService<OrderChangeListener>();
        if (mongo.ConnectionString is not null)
        {
            // Without MongoDB there is nothing to read or record: the listener reports it and stays idle.
            builder.Services.AddOptions<ListenerLeaseOptions>().BindConfiguration(ListenerLeaseOptions.SectionName).ValidateDataAnnotations()
                .Validate(lease => lease.RenewInterval * 3 <= lease.TimeToLive, "OrderListener:Lease:RenewInterval must be at most a third of TimeToLive: a leader renews several times before its lease could run out.")
                .ValidateOnStart();
            builder.Services.AddSingleton<ListenerLease>();
            builder.Services.AddSingleton<CheckpointStore>();
            builder.Services.AddSingleton<RejectedOrderStore>();
            builder.Services.AddSingleton<OrderRelay>();
            builder.Services.AddSingleton<OrderCatchUp>();
            builder.Services.AddSingleton<ListenerStartPlanner>();
            builder.Services.AddSingleton<OrderStreamReader>();
        }

        builder.Services.AddHealthChecks().AddCheck<OrderListenerHealthCheck>("order-listener");

        // The forwarder owns retries and deadlines for SubmitOrder; the standard HTTP resilience pipeline would
        // retry and time out underneath it. Service discovery stays: the address names the kitchen's endpoint.
#pragma warning disable EXTEXP0001 // Experimental, but the supported way to undo ConfigureHttpClientDefaults' resilience for one client.
        builder.Services
            .AddGrpcClient<OrderIntake.OrderIntakeClient>((sp, client) => client.Address = sp.GetRequiredService<IOptions<KitchenForwardingOptions>>().Value.Address)
            .ConfigureChannel(channel =>
            {
                channel.MaxSendMessageSize = OrderLimits.MaxBatchBytes;

                // Inside the app the kitchen's gRPC endpoint is plain HTTP/2 on a private network; the key still goes.
                channel.UnsafeUseInsecureChannelCallCredentials = true;
            })
            .AddCallCredentials((_, metadata, sp) =>
            {
                if (sp.GetRequiredService<IOptions<KitchenForwardingOptions>>().Value.IntakeKey is { Length: > 0 } key)
                {
                    metadata.Add("Authorization", $"Bearer {key}");
                }

                return Task.CompletedTask;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        return builder;
    }
}
