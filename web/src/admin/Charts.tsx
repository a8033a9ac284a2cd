import { useEffect, useRef } from "react";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { graphql } from "../gql";

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const StatsQuery = graphql(`
  query AdminStatistics {
    statistics {
      documents(bucket: MONTH) { period documentTypeName status count }
      workload(first: 20) { user { displayName } openTasks doneInPeriod }
    }
  }
`);

/** 统计: documents per month by status (stacked bars) and each person's workload. */
export function Statistics() {
  const { t } = useTranslation();
  const [{ data, error }] = useQuery({ query: StatsQuery });
  const chart = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!data || !chart.current) return;
    const rows = data.statistics.documents;
    const periods = [...new Set(rows.map((r) => r.period))].sort();
    const statuses = [...new Set(rows.map((r) => r.status))];
    const instance = echarts.init(chart.current);
    instance.setOption({
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: periods },
      yAxis: { type: "value" },
      series: statuses.map((s) => ({
        name: t(`status.${s}`),
        type: "bar",
        stack: "documents",
        data: periods.map((p) => rows.filter((r) => r.period === p && r.status === s).reduce((n, r) => n + r.count, 0)),
      })),
    });
    return () => instance.dispose();
  }, [data, t]);
  if (error) return <p role="alert">{error.message}</p>;
  return (
    <>
      <h2>{t("admin.documentsByMonth")}</h2>
      <div ref={chart} className="chart" role="img" aria-label={t("admin.documentsByMonth")} data-testid="chart" />
      <table className="list">
        <caption>{t("admin.workload")}</caption>
        <thead><tr><th scope="col">{t("admin.person")}</th><th scope="col">{t("boxes.todo")}</th><th scope="col">{t("boxes.done")}</th></tr></thead>
        <tbody>
          {data?.statistics.workload.map((w) => (
            <tr key={w.user.displayName}><td>{w.user.displayName}</td><td>{w.openTasks}</td><td>{w.doneInPeriod}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
