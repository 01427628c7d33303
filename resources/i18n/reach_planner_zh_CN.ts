<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>ReachPlanner</name>
    <message>
      <source>Installation capacity</source>
      <translation>安装能力</translation>
    </message>
    <message>
      <source>Households per outlet</source>
      <translation>每个网点可服务户数</translation>
    </message>
    <message>
      <source>Find overloaded outlets</source>
      <translation>查找超负荷网点</translation>
    </message>
    <message>
      <source>Outlet</source>
      <translation>网点</translation>
    </message>
    <message>
      <source>Province</source>
      <translation>省份</translation>
    </message>
    <message>
      <source>Households</source>
      <translation>户数</translation>
    </message>
    <message>
      <source>Served</source>
      <translation>可服务</translation>
    </message>
    <message>
      <source>Beyond capacity</source>
      <translation>超出能力</translation>
    </message>
    <message>
      <source>Computing capacity</source>
      <translation>正在计算安装能力</translation>
    </message>
    <message>
      <source>An outlet installs for at most C rural households ({size} people per household, 2020 census).</source>
      <translation>每个网点最多为 C 户农村家庭安装（每户 {size} 人，2020 年人口普查）。</translation>
    </message>
    <message>
      <source>{people} rural people are beyond capacity; {n} outlets serve more than {c} households nearest to them.</source>
      <translation>{people} 农村人口超出安装能力；{n} 个网点的最近服务户数超过 {c} 户。</translation>
    </message>
    <message>
      <source>straight line</source>
      <translation>直线</translation>
    </message>
    <message>
      <source>over terrain</source>
      <translation>沿地形</translation>
    </message>
    <message>
      <source>How the service radius is measured: as a straight line, or as flat-equivalent km over slopes and mountains</source>
      <translation>服务半径的量算方式：直线距离，或按坡度和山地折算的平地等效公里</translation>
    </message>
    <message>
      <source>imported {file}{col}</source>
      <translation>已导入 {file}{col}</translation>
    </message>
    <message>
      <source>over terrain: {terrain}% rural covered (straight line: {straight}%)</source>
      <translation>按地形：农村覆盖 {terrain}%（直线距离：{straight}%）</translation>
    </message>
    <message>
      <source>Import demand</source>
      <translation>导入需求</translation>
    </message>
    <message>
      <source>WGS84 (GPS, most files)</source>
      <translation>WGS84（GPS，多数文件）</translation>
    </message>
    <message>
      <source>GCJ-02 (Gaode/Amap, Tencent)</source>
      <translation>GCJ-02（高德、腾讯）</translation>
    </message>
    <message>
      <source>BD-09 (Baidu)</source>
      <translation>BD-09（百度）</translation>
    </message>
    <message>
      <source>census model v{version}</source>
      <translation>普查模型 v{version}</translation>
    </message>
    <message>
      <source> (column {column})</source>
      <translation>（列 {column}）</translation>
    </message>
    <message>
      <source>Which coordinates does the file use?</source>
      <translation>文件使用哪种坐标？</translation>
    </message>
    <message>
      <source>Use the census demand model</source>
      <translation>使用普查需求模型</translation>
    </message>
    <message>
      <source>{n} outside the 31 provinces, not counted</source>
      <translation>{n} 在31个省份之外，未计入</translation>
    </message>
    <message>
      <source>Reading {file}…</source>
      <translation>正在读取 {file}…</translation>
    </message>
    <message>
      <source>Which column holds the weight?</source>
      <translation>哪一列是权重？</translation>
    </message>
    <message>
      <source>Nothing was imported; the scenario is unchanged.</source>
      <translation>未导入任何内容，当前情景保持不变。</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>ID</source>
      <translation>编号</translation>
    </message>
    <message>
      <source>Location</source>
      <translation>位置</translation>
    </message>
    <message>
      <source>Service outlets served</source>
      <translation>下辖服务网点</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Distribution site</source>
      <translation>配送中心</translation>
    </message>
    <message>
      <source>Parent distribution site</source>
      <translation>所属配送中心</translation>
    </message>
    <message>
      <source>Service outlet</source>
      <translation>服务网点</translation>
    </message>
    <message>
      <source>Prefecture</source>
      <translation>地级行政区</translation>
    </message>
    <message>
      <source>County</source>
      <translation>县级行政区</translation>
    </message>
    <message>
      <source>Rural people unreached</source>
      <translation>未覆盖农村人口</translation>
    </message>
    <message>
      <source>Area</source>
      <translation>面积</translation>
    </message>
    <message>
      <source>Cells</source>
      <translation>网格数</translation>
    </message>
    <message>
      <source>Centre</source>
      <translation>中心</translation>
    </message>
    <message>
      <source>Farthest from an outlet</source>
      <translation>距最近网点最远</translation>
    </message>
    <message>
      <source>Distribution sites</source>
      <translation>配送中心</translation>
    </message>
    <message>
      <source>Service outlets</source>
      <translation>服务网点</translation>
    </message>
    <message>
      <source>Rural population</source>
      <translation>农村人口</translation>
    </message>
    <message>
      <source>Rural covered</source>
      <translation>农村覆盖人口</translation>
    </message>
    <message>
      <source>Outlets per 100k rural</source>
      <translation>每十万农村人口网点数</translation>
    </message>
    <message>
      <source>Gap regions</source>
      <translation>空白区域</translation>
    </message>
    <message>
      <source>Largest gap</source>
      <translation>最大空白区</translation>
    </message>
    <message>
      <source>Rural still unreached</source>
      <translation>仍未覆盖的农村人口</translation>
    </message>
    <message>
      <source>Capacity (households)</source>
      <translation>安装能力（户）</translation>
    </message>
    <message>
      <source>Households nearest to it</source>
      <translation>以其为最近网点的户数</translation>
    </message>
    <message>
      <source>Households it can serve</source>
      <translation>可服务户数</translation>
    </message>
    <message>
      <source>Beyond capacity (households)</source>
      <translation>超出能力（户）</translation>
    </message>
    <message>
      <source>Overloaded outlet</source>
      <translation>超负荷网点</translation>
    </message>
    <message>
      <source>Rank</source>
      <translation>排名</translation>
    </message>
    <message>
      <source>Newly covered rural people</source>
      <translation>新覆盖农村人口</translation>
    </message>
    <message>
      <source>Recommended outlet</source>
      <translation>推荐网点</translation>
    </message>
    <message>
      <source>Gap region #{rank} of {n}</source>
      <translation>空白区域 第{rank}名（共{n}个）</translation>
    </message>
    <message>
      <source>{n} people</source>
      <translation>{n}人</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <source>Export map image</source>
      <translation>导出地图图片</translation>
    </message>
    <message>
      <source>File (.png, .jpg, .pdf)</source>
      <translation>文件（.png、.jpg、.pdf）</translation>
    </message>
    <message>
      <source>PNG image (*.png);;JPEG image (*.jpg *.jpeg);;PDF document (*.pdf)</source>
      <translation>PNG 图片 (*.png);;JPEG 图片 (*.jpg *.jpeg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
      <source>Pixel scale</source>
      <translation>像素倍数</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <source>Import sites</source>
      <translation>导入站点</translation>
    </message>
    <message>
      <source>Save scenario</source>
      <translation>保存情景</translation>
    </message>
    <message>
      <source>Reach Planner scenarios (*.json)</source>
      <translation>Reach Planner 情景文件 (*.json)</translation>
    </message>
    <message>
      <source>Overwrite it with this scenario, save this scenario under another name, or cancel?</source>
      <translation>用当前方案覆盖它、另存为其他文件名，还是取消？</translation>
    </message>
    <message>
      <source>Overwrite</source>
      <translation>覆盖</translation>
    </message>
    <message>
      <source>Save as…</source>
      <translation>另存为…</translation>
    </message>
    <message>
      <source>Unsaved changes</source>
      <translation>未保存的更改</translation>
    </message>
    <message>
      <source>The scenario has unsaved changes. Save them?</source>
      <translation>当前情景有未保存的更改，是否保存？</translation>
    </message>
    <message>
      <source>Export results to folder</source>
      <translation>导出结果到文件夹</translation>
    </message>
    <message>
      <source>Open scenario</source>
      <translation>打开情景</translation>
    </message>
    <message>
      <source>Export results</source>
      <translation>导出结果</translation>
    </message>
    <message>
      <source>Saving {path}…</source>
      <translation>正在保存 {path}…</translation>
    </message>
    <message>
      <source>Could not save; the previous file is unchanged.</source>
      <translation>无法保存，原文件保持不变。</translation>
    </message>
    <message>
      <source>Saved {path}</source>
      <translation>已保存 {path}</translation>
    </message>
    <message>
      <source>Exporting results to {folder}…</source>
      <translation>正在导出结果到 {folder}…</translation>
    </message>
    <message>
      <source>Import {file}</source>
      <translation>导入 {file}</translation>
    </message>
    <message>
      <source>{file} already exists. Replace it?</source>
      <translation>{file} 已存在。要替换吗？</translation>
    </message>
    <message>
      <source>Wrote {n} files to {folder}</source>
      <translation>已写入 {n} 个文件到 {folder}</translation>
    </message>
    <message>
      <source>All point layers</source>
      <translation>全部点图层</translation>
    </message>
    <message>
      <source>Choose a layer</source>
      <translation>选择图层</translation>
    </message>
    <message>
      <source>Site lists ({patterns})</source>
      <translation>站点列表 ({patterns})</translation>
    </message>
    <message>
      <source>{rows} read: {sites} and {outlets} are valid, {skipped} would be skipped.</source>
      <translation>共读取 {rows}：有效的有 {sites}和 {outlets}，将跳过 {skipped}。</translation>
    </message>
    <message>
      <source>Choose columns</source>
      <translation>选择列</translation>
    </message>
    <message>
      <source>Latitude</source>
      <translation>纬度</translation>
    </message>
    <message>
      <source>Longitude</source>
      <translation>经度</translation>
    </message>
    <message>
      <source>Latitude and longitude must be two different columns.</source>
      <translation>纬度和经度必须是两个不同的列。</translation>
    </message>
    <message>
      <source>Keep the other layer simulated</source>
      <translation>另一图层保留模拟数据</translation>
    </message>
    <message>
      <source>Leave the other layer empty</source>
      <translation>另一图层留空</translation>
    </message>
    <message>
      <source>Coordinates</source>
      <translation>坐标系</translation>
    </message>
    <message>
      <source>Text encoding: detected</source>
      <translation>文字编码：自动识别</translation>
    </message>
    <message>
      <source>Names look garbled? Read the file again in another encoding</source>
      <translation>名称显示乱码？换一种编码重新读取文件</translation>
    </message>
    <message>
      <source>No row can be imported: every row has a problem listed above.</source>
      <translation>没有可导入的行：每一行都有上面列出的问题。</translation>
    </message>
    <message>
      <source>{file} has several point layers. Which one holds the sites?</source>
      <translation>{file} 有多个点图层。站点在哪个图层？</translation>
    </message>
    <message>
      <source>1 row</source>
      <translation>1 行</translation>
    </message>
    <message>
      <source>1 distribution site</source>
      <translation>1 个配送中心</translation>
    </message>
    <message>
      <source>1 service outlet</source>
      <translation>1 个服务网点</translation>
    </message>
    <message>
      <source>{n} distribution sites</source>
      <translation>{n} 个配送中心</translation>
    </message>
    <message>
      <source>distribution sites</source>
      <translation>配送中心</translation>
    </message>
    <message>
      <source>{n} service outlets</source>
      <translation>{n} 个服务网点</translation>
    </message>
    <message>
      <source>service outlets</source>
      <translation>服务网点</translation>
    </message>
    <message>
      <source>the sites</source>
      <translation>站点</translation>
    </message>
    <message>
      <source>Import 1 valid row</source>
      <translation>导入 1 行有效数据</translation>
    </message>
    <message>
      <source>Recognised columns: {columns}</source>
      <translation>识别的列：{columns}</translation>
    </message>
    <message>
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <source>Row</source>
      <translation>行</translation>
    </message>
    <message>
      <source>Column</source>
      <translation>列</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>{file}: the coordinate columns were not recognised. Which columns hold them?</source>
      <translation>{file}：未能识别坐标列，请选择对应的列。</translation>
    </message>
    <message>
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <source>Import sites — {file}</source>
      <translation>导入站点 — {file}</translation>
    </message>
    <message>
      <source>Swap latitude and longitude in the {n} rows where they look swapped</source>
      <translation>交换 {n} 行中疑似颠倒的纬度和经度</translation>
    </message>
    <message>
      <source>{a} and {b}</source>
      <translation>{a}和{b}</translation>
    </message>
    <message>
      <source>Add them to the {what} now in the scenario</source>
      <translation>添加到方案现有的{what}中</translation>
    </message>
    <message>
      <source>Replace the {what} now in the scenario with them</source>
      <translation>用它们替换方案现有的{what}</translation>
    </message>
    <message>
      <source>{n} rows</source>
      <translation>{n} 行</translation>
    </message>
    <message>
      <source>Text encoding: {name}</source>
      <translation>文字编码：{name}</translation>
    </message>
    <message>
      <source>Import {n} valid rows</source>
      <translation>导入 {n} 行有效数据</translation>
    </message>
    <message>
      <source>Latitude and longitude were swapped in {n} rows.</source>
      <translation>已交换 {n} 行的纬度和经度。</translation>
    </message>
    <message>
      <source>Tick the swap box to import the {n} rows whose coordinates look swapped.</source>
      <translation>勾选交换选项即可导入 {n} 行经纬度疑似颠倒的数据。</translation>
    </message>
    <message>
      <source>Recommended outlets</source>
      <translation>推荐网点</translation>
    </message>
    <message>
      <source>Untitled scenario</source>
      <translation>未命名情景</translation>
    </message>
    <message>
      <source>Joint-venture reach</source>
      <translation>合资网络覆盖</translation>
    </message>
    <message>
      <source>Provinces</source>
      <translation>省份</translation>
    </message>
    <message>
      <source>Scenario</source>
      <translation>情景</translation>
    </message>
    <message>
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <source>Close the gaps</source>
      <translation>填补空白</translation>
    </message>
    <message>
      <source>Compare A/B</source>
      <translation>方案对比 A/B</translation>
    </message>
    <message>
      <source>Capacity</source>
      <translation>安装能力</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;New scenario (simulated network)</source>
      <translation>新建情景（模拟网络）(&amp;N)</translation>
    </message>
    <message>
      <source>&amp;Open scenario…</source>
      <translation>打开情景(&amp;O)…</translation>
    </message>
    <message>
      <source>Open &amp;recent</source>
      <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Save scenario</source>
      <translation>保存情景(&amp;S)</translation>
    </message>
    <message>
      <source>Save scenario &amp;as…</source>
      <translation>情景另存为(&amp;A)…</translation>
    </message>
    <message>
      <source>&amp;Import sites…</source>
      <translation>导入站点(&amp;I)…</translation>
    </message>
    <message>
      <source>Import &amp;demand (population raster or weighted points)…</source>
      <translation>导入需求(&amp;D)（人口栅格或带权重的点）…</translation>
    </message>
    <message>
      <source>Use the &amp;census demand model</source>
      <translation>使用普查需求模型(&amp;C)</translation>
    </message>
    <message>
      <source>Export &amp;results (GeoPackage, GeoJSON, CSV, XLSX)…</source>
      <translation>导出结果(&amp;R)（GeoPackage、GeoJSON、CSV、XLSX）…</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>编辑(&amp;E)</translation>
    </message>
    <message>
      <source>Export &amp;print map (PNG, PDF, SVG)…</source>
      <translation>导出打印地图(&amp;P)（PNG、PDF、SVG）…</translation>
    </message>
    <message>
      <source>Export report pac&amp;k (PDF, PNG, XLSX)…</source>
      <translation>导出报告汇编(&amp;K)（PDF、PNG、XLSX）…</translation>
    </message>
    <message>
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <source>&amp;Export map image…</source>
      <translation>导出地图图片(&amp;E)…</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <source>&amp;Whole country</source>
      <translation>全国视图(&amp;W)</translation>
    </message>
    <message>
      <source>&amp;About Reach Planner</source>
      <translation>关于 Reach Planner(&amp;A)</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Overloaded outlets</source>
      <translation>超负荷网点</translation>
    </message>
    <message>
      <source>Export report pack</source>
      <translation>导出报告汇编</translation>
    </message>
    <message>
      <source>Report pack cancelled; nothing was written</source>
      <translation>报告汇编已取消，未写入任何文件</translation>
    </message>
    <message>
      <source>Reach Planner</source>
      <translation>Reach Planner</translation>
    </message>
    <message>
      <source>About Reach Planner</source>
      <translation>关于 Reach Planner</translation>
    </message>
    <message>
      <source>Reach Planner — Goodaymart rural delivery &amp; installation network</source>
      <translation>Reach Planner — 日日顺农村配送安装网络规划</translation>
    </message>
    <message>
      <source>Recompute (restart)</source>
      <translation>重新计算（重启）</translation>
    </message>
    <message>
      <source>Recompute</source>
      <translation>重新计算</translation>
    </message>
    <message>
      <source>Exporting {name}…</source>
      <translation>正在导出 {name}…</translation>
    </message>
    <message>
      <source>Could not export the map:</source>
      <translation>无法导出地图：</translation>
    </message>
    <message>
      <source>Exported {path}</source>
      <translation>已导出 {path}</translation>
    </message>
    <message>
      <source>Could not export the report pack:</source>
      <translation>无法导出报告汇编：</translation>
    </message>
    <message>
      <source>simulated</source>
      <translation>模拟</translation>
    </message>
    <message>
      <source>Export print map</source>
      <translation>导出打印地图</translation>
    </message>
    <message>
      <source>Reach Planner maps a simulated Goodaymart delivery-and-installation network and the rural people it does not reach.</source>
      <translation>Reach Planner 绘制模拟的日日顺配送安装网络，并标出其尚未覆盖的农村人口。</translation>
    </message>
    <message>
      <source>Exported {path} ({w}×{h})</source>
      <translation>已导出 {path}（{w}×{h}）</translation>
    </message>
    <message>
      <source>the export was cancelled</source>
      <translation>导出已取消</translation>
    </message>
    <message>
      <source>Reach Planner {version}</source>
      <translation>Reach Planner {version} 版</translation>
    </message>
    <message>
      <source>Rural bias</source>
      <translation>农村倾向</translation>
    </message>
    <message>
      <source>Network</source>
      <translation>网络来源</translation>
    </message>
    <message>
      <source>Rural backed up</source>
      <translation>有备份覆盖的农村人口</translation>
    </message>
    <message>
      <source>Rural within delivery</source>
      <translation>配送范围内农村人口</translation>
    </message>
    <message>
      <source>Urban covered</source>
      <translation>城镇覆盖人口</translation>
    </message>
    <message>
      <source>Area covered</source>
      <translation>覆盖面积</translation>
    </message>
    <message>
      <source>Demand</source>
      <translation>需求</translation>
    </message>
    <message>
      <source>Distance</source>
      <translation>距离</translation>
    </message>
    <message>
      <source>Reach (this scenario)</source>
      <translation>覆盖情况（当前情景）</translation>
    </message>
    <message>
      <source>Joint venture (from the announcement)</source>
      <translation>合资背景（据公告）</translation>
    </message>
    <message>
      <source>Rural pop.</source>
      <translation>农村人口</translation>
    </message>
    <message>
      <source>Covered %</source>
      <translation>覆盖率 %</translation>
    </message>
    <message>
      <source>Outlets/100k</source>
      <translation>网点/十万人</translation>
    </message>
    <message>
      <source>Outlets</source>
      <translation>网点</translation>
    </message>
    <message>
      <source>Sites</source>
      <translation>配送中心</translation>
    </message>
    <message>
      <source>Gaps</source>
      <translation>空白区</translation>
    </message>
    <message>
      <source>Straight-line %</source>
      <translation>直线 %</translation>
    </message>
    <message>
      <source>Unreached</source>
      <translation>未覆盖</translation>
    </message>
    <message>
      <source>Province (Chinese and English name); expand it for its counties</source>
      <translation>省份（中英文名称）；展开可看各县</translation>
    </message>
    <message>
      <source>Rural population, 2020 census</source>
      <translation>农村人口（2020年人口普查）</translation>
    </message>
    <message>
      <source>Rural population within the service radius of an outlet</source>
      <translation>位于网点服务半径内的农村人口</translation>
    </message>
    <message>
      <source>Service outlets per 100,000 rural people</source>
      <translation>每十万农村人口拥有的服务网点数</translation>
    </message>
    <message>
      <source>Rural people in the province's largest gap region</source>
      <translation>该省最大空白区域内的农村人口</translation>
    </message>
    <message>
      <source>Rural population within the service radius as a straight line (shown with terrain distance, beside the terrain figure)</source>
      <translation>按直线距离在服务半径内的农村人口（按地形量算时显示，与地形数字并列）</translation>
    </message>
    <message>
      <source>Rural people beyond the service radius of every outlet</source>
      <translation>在所有服务网点服务半径以外的农村人口</translation>
    </message>
    <message>
      <source>Seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <source>Service radius</source>
      <translation>服务半径</translation>
    </message>
    <message>
      <source>Delivery radius</source>
      <translation>配送半径</translation>
    </message>
    <message>
      <source>Placement</source>
      <translation>布点方式</translation>
    </message>
    <message>
      <source>by population</source>
      <translation>按人口</translation>
    </message>
    <message>
      <source>at towns</source>
      <translation>位于城镇</translation>
    </message>
    <message>
      <source>uniform</source>
      <translation>均匀分布</translation>
    </message>
    <message>
      <source>Where simulated service outlets are placed</source>
      <translation>模拟服务网点的布设方式</translation>
    </message>
    <message>
      <source>Share of outlets placed by rural rather than urban population</source>
      <translation>按农村（而非城镇）人口布设的网点比例</translation>
    </message>
    <message>
      <source>Click a site, an outlet, a gap or a province on the map.</source>
      <translation>点击地图上的配送中心、服务网点、空白区域或省份查看详情。</translation>
    </message>
    <message>
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <source>sites {s}, outlets {o}</source>
      <translation>配送中心：{s}，服务网点：{o}</translation>
    </message>
    <message>
      <source>a number from {lo} to {hi}</source>
      <translation>{lo} 到 {hi} 之间的数字</translation>
    </message>
    <message>
      <source>simulated + imported</source>
      <translation>模拟 + 导入</translation>
    </message>
    <message>
      <source>imported</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>{n} ({pct}%, two outlets or more in reach)</source>
      <translation>{n}（{pct}%，可达两个及以上网点）</translation>
    </message>
    <message>
      <source>{pct}% (within {km} km of a site)</source>
      <translation>{pct}%（距配送中心 {km} 公里内）</translation>
    </message>
    <message>
      <source>{area} km² ({pct}% of land)</source>
      <translation>{area} 平方公里（占陆地 {pct}%）</translation>
    </message>
    <message>
      <source>{n} (service radius {km} km)</source>
      <translation>{n}（服务半径 {km} 公里）</translation>
    </message>
    <message>
      <source>Alibaba invested about {usd} in Haier's logistics arm Goodaymart so that about {merchants} Tmall merchants can deliver and install large appliances in rural China. Announced network: ~{sites} distribution sites and ~{outlets} service outlets. The sites on this map are simulated from those counts.</source>
      <translation>阿里巴巴向海尔旗下物流企业日日顺投资约 {usd}，使约 {merchants} 家天猫商家能够在中国农村配送并安装大家电。公告中的网络规模：约 {sites} 个配送中心和约 {outlets} 个服务网点。本地图上的站点按上述数量模拟生成。</translation>
    </message>
    <message>
      <source>a whole number from {lo} to {hi}</source>
      <translation>{lo} 到 {hi} 之间的整数</translation>
    </message>
    <message>
      <source>Set by the imported file; File › New scenario goes back to the simulation</source>
      <translation>由导入文件决定；“文件 › 新建情景”可回到模拟网络</translation>
    </message>
    <message>
      <source>{name}: {text!r} is not {range}</source>
      <translation>{name}：{text!r} 不是{range}</translation>
    </message>
    <message>
      <source>+{n} accepted</source>
      <translation>+{n} 个已采纳</translation>
    </message>
    <message>
      <source>Allowed: {range}</source>
      <translation>允许：{range}</translation>
    </message>
    <message>
      <source>{n} accepted recommended outlets</source>
      <translation>{n} 个已采纳的推荐网点</translation>
    </message>
    <message>
      <source>Network: {parts}</source>
      <translation>网络：{parts}</translation>
    </message>
    <message>
      <source>{n} {what} added</source>
      <translation>已添加 {n} 个{what}</translation>
    </message>
    <message>
      <source>{n} {what} imported</source>
      <translation>已导入 {n} 个{what}</translation>
    </message>
    <message>
      <source>no {what}</source>
      <translation>无{what}</translation>
    </message>
    <message>
      <source>File (.png, .pdf, .svg)</source>
      <translation>文件（.png、.pdf、.svg）</translation>
    </message>
    <message>
      <source>Landscape</source>
      <translation>横向</translation>
    </message>
    <message>
      <source>Portrait</source>
      <translation>纵向</translation>
    </message>
    <message>
      <source>South China Sea inset</source>
      <translation>南海诸岛插图</translation>
    </message>
    <message>
      <source>Default title</source>
      <translation>默认标题</translation>
    </message>
    <message>
      <source>Page</source>
      <translation>纸张</translation>
    </message>
    <message>
      <source>Orientation</source>
      <translation>方向</translation>
    </message>
    <message>
      <source>Resolution</source>
      <translation>分辨率</translation>
    </message>
    <message>
      <source>Labels</source>
      <translation>标注语言</translation>
    </message>
    <message>
      <source>[over terrain]</source>
      <translation>［按地形距离］</translation>
    </message>
    <message>
      <source>[straight line]</source>
      <translation>［按直线距离］</translation>
    </message>
    <message>
      <source>No move pays off: every relocation loses more people than it gains.</source>
      <translation>没有值得的迁移：任何迁移失去的人都多于新增的人。</translation>
    </message>
    <message>
      <source>Proven optimal.</source>
      <translation>已证明为最优解。</translation>
    </message>
    <message>
      <source>Grid spacing</source>
      <translation>网格间距</translation>
    </message>
    <message>
      <source>New outlets</source>
      <translation>新增网点</translation>
    </message>
    <message>
      <source>Reach rural coverage</source>
      <translation>达到农村覆盖率</translation>
    </message>
    <message>
      <source>Move outlets</source>
      <translation>迁移网点</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>范围</translation>
    </message>
    <message>
      <source>Solver</source>
      <translation>求解方法</translation>
    </message>
    <message>
      <source>Whole country</source>
      <translation>全国</translation>
    </message>
    <message>
      <source>Certified: within 0.1% of the best possible</source>
      <translation>认证求解：与最优解相差不超过 0.1%</translation>
    </message>
    <message>
      <source>Fast greedy, with its proven gap</source>
      <translation>快速贪心算法（附已证明的差距）</translation>
    </message>
    <message>
      <source>Exact (HiGHS): proven optimum or the gap at 60 s</source>
      <translation>精确求解（HiGHS）：证明最优，或给出 60 秒时的差距</translation>
    </message>
    <message>
      <source>Recommend</source>
      <translation>推荐</translation>
    </message>
    <message>
      <source>Accept into scenario</source>
      <translation>采纳到情景</translation>
    </message>
    <message>
      <source>Clear</source>
      <translation>清除</translation>
    </message>
    <message>
      <source>Export the recommended outlets (CSV)…</source>
      <translation>导出推荐网点（CSV）…</translation>
    </message>
    <message>
      <source>Searching…</source>
      <translation>正在搜索…</translation>
    </message>
    <message>
      <source>Nearest town</source>
      <translation>最近地名</translation>
    </message>
    <message>
      <source>#</source>
      <translation>序号</translation>
    </message>
    <message>
      <source>Newly covered</source>
      <translation>新增覆盖</translation>
    </message>
    <message>
      <source>Moving {n} outlets gains {net} covered rural people net ({new} newly covered, {lost} lost).</source>
      <translation>迁移 {n} 个网点，覆盖的农村人口净增 {net}（新覆盖 {new}，失去 {lost}）。</translation>
    </message>
    <message>
      <source>Within {gap}% of the best possible (≤ {bound}).</source>
      <translation>与最优解相差不超过 {gap}%（上界 ≤ {bound}）。</translation>
    </message>
    <message>
      <source>{net} rural people covered, net: {lost} lost, {new} newly covered (blue on the map).</source>
      <translation>覆盖农村人口净变化 {net}：失去 {lost}，新增 {new}（地图上蓝色区域）。</translation>
    </message>
    <message>
      <source>Use current as A (baseline)</source>
      <translation>将当前设为 A（基准）</translation>
    </message>
    <message>
      <source>Stop comparing</source>
      <translation>停止对比</translation>
    </message>
    <message>
      <source>{n} new outlets ({method}) would cover {people} more rural people: {before}% → {after}% (solved in {s} s).</source>
      <translation>新增 {n} 个网点（{method}）可再覆盖 {people} 农村人口：{before}% → {after}%（求解用时 {s} 秒）。</translation>
    </message>
    <message>
      <source>The target is not reachable; this is the best found.</source>
      <translation>无法达到目标，以上为找到的最佳结果。</translation>
    </message>
    <message>
      <source>Export the recommended outlets</source>
      <translation>导出推荐网点</translation>
    </message>
    <message>
      <source>proven optimal</source>
      <translation>已证明最优</translation>
    </message>
    <message>
      <source>within tolerance</source>
      <translation>在容差范围内</translation>
    </message>
    <message>
      <source>stopped at the time limit</source>
      <translation>已达时间上限</translation>
    </message>
    <message>
      <source>heuristic</source>
      <translation>启发式</translation>
    </message>
    <message>
      <source>No relocation of up to {k} outlets gains more than {bound} (gap {gap}%, {status}).</source>
      <translation>迁移至多 {k} 个网点的任何方案净增均不超过 {bound}（差距 {gap}%，{status}）。</translation>
    </message>
    <message>
      <source>These {n} outlets already cover every gap the candidates can reach; no more are needed.</source>
      <translation>这 {n} 个网点已覆盖候选点可达的全部空白区域，无需更多网点。</translation>
    </message>
    <message>
      <source>Stopped at {gap}% gap (time limit); best possible ≤ {bound}.</source>
      <translation>达到时间限制，停止时差距为 {gap}%；最优值 ≤ {bound}。</translation>
    </message>
    <message>
      <source>{people} rural people newly covered (blue on the map).</source>
      <translation>新增覆盖农村人口 {people}（地图上蓝色区域）。</translation>
    </message>
    <message>
      <source>Figure</source>
      <translation>指标</translation>
    </message>
    <message>
      <source>A (before)</source>
      <translation>A（之前）</translation>
    </message>
    <message>
      <source>B (now)</source>
      <translation>B（当前）</translation>
    </message>
    <message>
      <source>Change</source>
      <translation>变化</translation>
    </message>
    <message>
      <source>Set a baseline, change the scenario (or accept recommended outlets), and compare the two here and on the map.</source>
      <translation>先设定基准，再修改情景（或采纳推荐网点），即可在此处和地图上对比两者。</translation>
    </message>
    <message>
      <source>A and B have the same parameters and sites.</source>
      <translation>A 与 B 的参数和站点相同。</translation>
    </message>
    <message>
      <source>Improving; best so far:</source>
      <translation>正在改进；目前最佳：</translation>
    </message>
    <message>
      <source>Find where new service outlets would reach the most rural people now beyond the service radius.</source>
      <translation>寻找新增服务网点的最佳位置，使目前位于服务半径之外的农村人口获得最多覆盖。</translation>
    </message>
    <message>
      <source>new outlets</source>
      <translation>新增网点数</translation>
    </message>
    <message>
      <source>newly covered rural people (million)</source>
      <translation>新增覆盖农村人口（百万）</translation>
    </message>
    <message>
      <source>demand {a} → {b}</source>
      <translation>需求 {a} → {b}</translation>
    </message>
    <message>
      <source>network {a} ({sa} sites, {oa} outlets) → {b} ({sb} sites, {ob} outlets)</source>
      <translation>网络 {a}（{sa} 个配送中心，{oa} 个网点）→ {b}（{sb} 个配送中心，{ob} 个网点）</translation>
    </message>
    <message>
      <source>{inside} in the province, {across} across its border.</source>
      <translation>其中省内 {inside}，跨省界 {across}。</translation>
    </message>
    <message>
      <source>A → B: {changes}</source>
      <translation>A → B：{changes}</translation>
    </message>
    <message>
      <source>Wrote {path}</source>
      <translation>已写入 {path}</translation>
    </message>
    <message>
      <source>PDF file, or folder for PNG pages</source>
      <translation>PDF 文件，或存放 PNG 页面的文件夹</translation>
    </message>
    <message>
      <source>PDF, one file</source>
      <translation>PDF，单个文件</translation>
    </message>
    <message>
      <source>PNG, one image per page</source>
      <translation>PNG，每页一张图片</translation>
    </message>
    <message>
      <source>Also write an Excel workbook</source>
      <translation>同时生成 Excel 工作簿</translation>
    </message>
    <message>
      <source>Workbook (.xlsx)</source>
      <translation>工作簿（.xlsx）</translation>
    </message>
    <message>
      <source>Format</source>
      <translation>格式</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>Starting</source>
      <translation>正在开始</translation>
    </message>
    <message>
      <source>Change parameters</source>
      <translation>修改参数</translation>
    </message>
    <message>
      <source>Recompute cancelled; the previous result is kept</source>
      <translation>已取消重新计算，保留之前的结果</translation>
    </message>
    <message>
      <source>Accept {n} recommended outlets</source>
      <translation>采纳 {n} 个推荐网点</translation>
    </message>
    <message>
      <source>Rural covered {pct}% · {n} gap regions</source>
      <translation>农村覆盖率 {pct}% · {n} 个空白区域</translation>
    </message>
    <message>
      <source>Recompute failed, the previous result is kept.</source>
      <translation>重新计算失败，保留之前的结果。</translation>
    </message>
    <message>
      <source>Goodaymart rural reach</source>
      <translation>日日顺农村覆盖</translation>
    </message>
    <message>
      <source>Covered area</source>
      <translation>覆盖区域</translation>
    </message>
    <message>
      <source>Rural gap cells</source>
      <translation>农村空白网格</translation>
    </message>
    <message>
      <source>Top gap regions</source>
      <translation>主要空白区域</translation>
    </message>
    <message>
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <source>Within service radius</source>
      <translation>服务半径内</translation>
    </message>
    <message>
      <source>Unreached rural people per km²</source>
      <translation>每平方公里未覆盖农村人口</translation>
    </message>
    <message>
      <source>up to {hi}</source>
      <translation>{hi} 以下</translation>
    </message>
    <message>
      <source>over {lo}</source>
      <translation>{lo} 以上</translation>
    </message>
    <message>
      <source>Gap region #{r} (click for details)</source>
      <translation>空白区域 第{r}名（点击查看详情）</translation>
    </message>
    <message>
      <source>Gap #{r} · {prov} · {n} rural people unreached</source>
      <translation>空白区 第{r}名 · {prov} · 未覆盖农村人口 {n}</translation>
    </message>
    <message>
      <source>rural covered {pct}%</source>
      <translation>农村覆盖率 {pct}%</translation>
    </message>
    <message>
      <source>{n} rural people unreached</source>
      <translation>未覆盖农村人口 {n} 人</translation>
    </message>
    <message>
      <source>Overloaded outlet (size: households beyond capacity)</source>
      <translation>超负荷网点（大小：超出能力的户数）</translation>
    </message>
    <message>
      <source>{name} · {n} households beyond capacity (click for details)</source>
      <translation>{name} · 超出能力 {n} 户（点击查看详情）</translation>
    </message>
    <message>
      <source>Top gap regions (rank)</source>
      <translation>主要空白区域（排名）</translation>
    </message>
    <message>
      <source>South China Sea Islands</source>
      <translation>南海诸岛</translation>
    </message>
    <message>
      <source>km</source>
      <translation>公里</translation>
    </message>
    <message>
      <source>m</source>
      <translation>米</translation>
    </message>
    <message>
      <source>outside the network data</source>
      <translation>不在网络数据范围内</translation>
    </message>
    <message>
      <source>Outside the network data (Taiwan, Hong Kong, Macao)</source>
      <translation>不在网络数据范围内（台湾、香港、澳门）</translation>
    </message>
    <message>
      <source>Shaded relief</source>
      <translation>地形晕渲</translation>
    </message>
    <message>
      <source>Cities</source>
      <translation>城市</translation>
    </message>
    <message>
      <source>Rural covered by province (zoomed out)</source>
      <translation>各省农村覆盖率（缩小时）</translation>
    </message>
    <message>
      <source>under {hi}%</source>
      <translation>低于 {hi}%</translation>
    </message>
    <message>
      <source>{lo}% and over</source>
      <translation>{lo}% 及以上</translation>
    </message>
    <message>
      <source>Service outlets per 1,000 km² (zoomed out)</source>
      <translation>每千平方公里服务网点数（缩小时）</translation>
    </message>
    <message>
      <source>Building the demand model</source>
      <translation>正在构建需求模型</translation>
    </message>
    <message>
      <source>Simulating the network</source>
      <translation>正在模拟网络</translation>
    </message>
    <message>
      <source>Measuring coverage</source>
      <translation>正在计算覆盖</translation>
    </message>
    <message>
      <source>Finding gaps</source>
      <translation>正在查找空白区域</translation>
    </message>
    <message>
      <source>Summarising</source>
      <translation>正在汇总</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>完成</translation>
    </message>
    <message>
      <source>Drawing the map</source>
      <translation>正在绘制地图</translation>
    </message>
    <message>
      <source>Writing the map page</source>
      <translation>正在写入地图页面</translation>
    </message>
    <message>
      <source>Map ready</source>
      <translation>地图已就绪</translation>
    </message>
    <message>
      <source>{sites} distribution sites · {outlets} service outlets · service radius {km} km · rural covered {pct}% · seed {seed}</source>
      <translation>{sites} 个配送中心 · {outlets} 个服务网点 · 服务半径 {km} 公里 · 农村覆盖率 {pct}% · 种子 {seed}</translation>
    </message>
    <message>
      <source>Natural Earth · GeoNames (CC-BY 4.0) · NBS 2020 census · network {network}</source>
      <translation>Natural Earth · GeoNames（CC-BY 4.0） · 国家统计局 2020 年人口普查 · 网络：{network}</translation>
    </message>
    <message>
      <source>Boundaries: Natural Earth · Places: GeoNames (CC-BY 4.0) · Population: NBS 2020 census · Network {network}</source>
      <translation>边界：Natural Earth · 地名：GeoNames（CC-BY 4.0） · 人口：国家统计局 2020 年人口普查 · 网络：{network}</translation>
    </message>
    <message>
      <source>Albers equal-area conic, 105°E, standard parallels 25°N and 47°N</source>
      <translation>阿尔伯斯等积圆锥投影，中央经线东经 105°，标准纬线北纬 25° 和 47°</translation>
    </message>
    <message>
      <source>recommended</source>
      <translation>推荐</translation>
    </message>
    <message>
      <source>Rural covered %</source>
      <translation>农村覆盖率 %</translation>
    </message>
    <message>
      <source>Urban covered %</source>
      <translation>城镇覆盖率 %</translation>
    </message>
    <message>
      <source>Area covered (km²)</source>
      <translation>覆盖面积（平方公里）</translation>
    </message>
  </context>
</TS>
