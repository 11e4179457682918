using Orbital.KitchenBatch.Apis;
using Orbital.KitchenBatch.Extensions;
using Orbital.KitchenBatch.Grpc;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapDefaultEndpoints();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}

app.MapPing("kitchen-batch");
app.MapStationsApi();
app.MapBatchItemsApi();
app.MapOrdersApi();
app.MapKitchenEventsApi();
app.MapGrpcService<OrderIntakeService>();

app.Run();
